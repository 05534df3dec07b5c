// The provider flavours checked with the providers' own SDKs (which parse the wire formats
// strictly: event order, error bodies, status classes) and with raw requests.

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_ANTHROPIC_KEY, EMULATOR_OPENAI_KEY } from './provider-keys.ts';
import { startOrigin, type Origin } from './server.ts';
import { post, readAll, sseEvents } from './test-helpers.ts';

let origin: Origin;
beforeAll(async () => {
  origin = await startOrigin({ port: 0 });
});
afterAll(async () => {
  await origin.close();
});

const anthropic = (key = EMULATOR_ANTHROPIC_KEY, mode = '') =>
  new Anthropic({ apiKey: key, baseURL: `${origin.url}${mode ? `/mode/${mode}` : ''}/anthropic`, maxRetries: 0 });
const openai = (key = EMULATOR_OPENAI_KEY, mode = '') =>
  new OpenAI({ apiKey: key, baseURL: `${origin.url}${mode ? `/mode/${mode}` : ''}/openai/v1`, maxRetries: 0 });

const weatherTool = {
  name: 'get_weather',
  description: 'Weather',
  input_schema: { type: 'object' as const, properties: { location: { type: 'string' } }, required: ['location'] },
};

describe('Anthropic flavour', () => {
  it('answers a message with usage and stop reasons', async () => {
    const message = await anthropic().messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(message.type).toBe('message');
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(5);
    const stopped = await anthropic().messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 50,
      stop_sequences: ['photographer'],
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe('photographer');
  });

  it('streams the events in the documented order, which the SDK reassembles (text and tool_use)', async () => {
    const stream = anthropic().messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const toolUse = final.content.find((b) => b.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { location: 'Paris' } });
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(types.filter((t) => t === 'content_block_start')).toHaveLength(2);
  });

  it('frames each event as `event: <type>` plus `data:` with the same type', async () => {
    const res = await post(
      `${origin.url}/anthropic/v1/messages`,
      { model: 'claude-haiku-4-5', max_tokens: 3, stream: true, messages: [{ role: 'user', content: 'Hi' }] },
      {
        headers: { 'x-api-key': EMULATOR_ANTHROPIC_KEY, 'anthropic-version': '2023-06-01' },
      },
    );
    const events = sseEvents((await readAll(res)).text);
    expect(events.map((e) => e.split('\n')[0])).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: ping',
      'event: content_block_delta',
      'event: content_block_delta',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ]);
    for (const event of events) {
      const [eventLine, dataLine] = event.split('\n');
      const type = eventLine!.slice('event: '.length);
      expect((JSON.parse(dataLine!.slice('data: '.length)) as { type: string }).type).toBe(type);
    }
  });

  it('checks the credentials and the version header', async () => {
    await expect(
      anthropic('sk-ant-wrong').messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const noVersion = await post(
      `${origin.url}/anthropic/v1/messages`,
      { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [] },
      { headers: { 'x-api-key': EMULATOR_ANTHROPIC_KEY } },
    );
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
  });

  it('validates like the API: max_tokens required, roles, temperature, tool results that answer a tool_use', async () => {
    const client = anthropic();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: Field required'],
      [
        { max_tokens: 5, messages: [{ role: 'system', content: 'x' }] },
        "messages.0.role: Input should be 'user' or 'assistant'",
      ],
      [{ max_tokens: 5, temperature: 1.5, messages: [{ role: 'user', content: 'x' }] }, 'temperature'],
      [
        {
          max_tokens: 5,
          messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }],
        },
        'tool_use_id',
      ],
      [{ max_tokens: 5, n: 2, messages: [{ role: 'user', content: 'x' }] }, 'n: Extra inputs are not permitted'],
    ];
    for (const [body, message] of cases) {
      const err = await client.messages
        .create({ model: 'claude-sonnet-4-5', ...body } as never)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect((err as Error).message).toContain(message);
    }
    await expect(
      client.messages.create({ model: 'claude-nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('fault modes answer in Anthropic shapes: 429 with retry-after, 529 overloaded, an in-stream error event', async () => {
    const limited = await anthropic(undefined, 'error429')
      .messages.create({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after')).toBe('7');
    const overloaded = await anthropic(undefined, 'error529')
      .messages.create({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    const res = await post(
      `${origin.url}/mode/instream-error/1/anthropic/v1/messages`,
      { model: 'claude-sonnet-4-5', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'x' }] },
      {
        headers: { 'x-api-key': EMULATOR_ANTHROPIC_KEY, 'anthropic-version': '2023-06-01' },
      },
    );
    const events = sseEvents((await readAll(res)).text);
    expect(events.at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error"/);
  });
});

describe('OpenAI flavour', () => {
  it('chat with tools, streaming and not; the SDK reassembles the tool call', async () => {
    const tool = { type: 'function' as const, function: { name: 'get_weather', parameters: weatherTool.input_schema } };
    const plain = await openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 4,
    });
    expect(plain.model).toBe('gpt-4o-mini-2024-07-18');
    expect(plain.choices[0]!.finish_reason).toBe('length');
    expect(plain.usage!.completion_tokens).toBe(4);
    const final = await openai()
      .chat.completions.stream({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: [tool],
      })
      .finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(
      JSON.parse((final.choices[0]!.message.tool_calls![0] as { function: { arguments: string } }).function.arguments),
    ).toEqual({ location: 'Paris' });
  });

  it('streams a usage chunk (empty choices) when asked; embeddings in float and base64', async () => {
    const stream = await openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.total_tokens).toBeGreaterThan(0);
    const embedded = await openai().embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    expect(embedded.data[0]!.embedding).toHaveLength(8);
  });

  it('checks the bearer key (quoting part of a wrong one, as OpenAI does), unknown params and models', async () => {
    const wrong = await openai('sk-proj-wrongwrongwrong')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((wrong as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_api_key');
    expect((wrong as Error).message).toContain('sk-*****rong');
    const topK = await openai()
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], top_k: 3 } as never)
      .catch((e: unknown) => e);
    expect(topK).toBeInstanceOf(OpenAI.BadRequestError);
    expect((topK as Error).message).toContain('Unrecognized request argument supplied: top_k');
    await expect(
      openai().chat.completions.create({ model: 'gpt-5-nope', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('fault modes answer in OpenAI shapes', async () => {
    const limited = await openai(undefined, 'error429')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.APIError>).code).toBe('rate_limit_exceeded');
    const overloaded = await openai(undefined, 'error529')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });
});
