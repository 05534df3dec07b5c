// The Anthropic Messages API passed straight through to an Anthropic external model, under `wrangler dev`,
// with the official @anthropic-ai/sdk unmodified; the emulator's Anthropic flavour stands in for the provider
// and records what it received, which proves the request was not translated to chat and back.

import Anthropic, { APIError, APIUserAbortError, RateLimitError } from '@anthropic-ai/sdk';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  createKey,
  eventually,
  inFlight,
  newRequestId,
  originUrl,
  recordedRequest,
  rejectionOf,
  routerUrl,
  uniqueName,
} from './helpers.ts';

const MODEL = 'claude-sonnet-4-5';

async function claude(prefix: string, mode = ''): Promise<string> {
  const created = await admin().createEndpoint({
    name: uniqueName(prefix),
    served_entities: [
      {
        name: 'ext',
        external_model: {
          name: MODEL,
          provider: 'anthropic',
          task: 'llm/v1/chat',
          anthropic_config: {
            anthropic_api_key: '{{secrets/ANTHROPIC_API_KEY}}',
            anthropic_api_base: `${originUrl()}${mode ? `/mode/${mode}` : ''}/anthropic`,
          },
        },
      },
    ],
  });
  expect(created.state).toBe('ready');
  return created.name;
}

const anthropic = (apiKey: string) => new Anthropic({ apiKey, baseURL: routerUrl(), maxRetries: 0, timeout: 20_000 });

const weather: Tool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

describe('Anthropic Messages API passed through to an Anthropic external model', () => {
  let ep: string;
  let client: Anthropic;

  beforeAll(async () => {
    ep = await claude('pass-claude');
    client = anthropic((await createKey(null)).key);
  });

  it('messages.create with tool use: the provider receives the client’s request as it was sent', async () => {
    const ask: MessageParam = { role: 'user', content: 'What is the weather in Paris?' };
    const first = await client.messages.create({ model: ep, max_tokens: 200, tools: [weather], messages: [ask] });
    expect(first.model).toBe(ep);
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    if (use?.type !== 'tool_use') throw new Error('no tool_use block');
    expect(use).toMatchObject({ name: 'get_weather', input: { location: 'Paris' } });
    expect(use.id).toMatch(/^toolu_/); // the provider's id, as it came

    const id = newRequestId('pass-claude-create');
    const params = {
      model: ep,
      max_tokens: 200,
      top_k: 40,
      system: [{ type: 'text' as const, text: 'Answer briefly' }],
      tools: [weather],
      messages: [
        ask,
        { role: 'assistant' as const, content: first.content },
        {
          role: 'user' as const,
          content: [{ type: 'tool_result' as const, tool_use_id: use.id, content: 'clear sky' }],
        },
      ],
    };
    const answer = await client.messages.create(params, { headers: { 'x-request-id': id } });
    expect(answer.model).toBe(ep);
    expect(answer.content[0]?.type).toBe('text');
    expect(answer.usage.input_tokens).toBeGreaterThan(0);
    // The tool_use block (with the provider's own id and the text block before it), the system blocks and
    // top_k reach Anthropic unchanged; only the model is the external model's name.
    expect((await recordedRequest(id)).body).toEqual({
      ...params,
      model: MODEL,
      messages: JSON.parse(JSON.stringify(params.messages)),
    });
  });

  it('messages.stream: the provider’s events reach the SDK, which assembles text, a tool call and the usage', async () => {
    const id = newRequestId('pass-claude-stream');
    const stream = client.messages.stream(
      {
        model: ep,
        max_tokens: 200,
        tools: [weather],
        tool_choice: { type: 'tool', name: 'get_weather' },
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      },
      { headers: { 'x-request-id': id } },
    );
    const pieces: string[] = [];
    stream.on('text', (text) => pieces.push(text));
    const final = await stream.finalMessage();
    expect(final.model).toBe(ep);
    expect(final.stop_reason).toBe('tool_use');
    expect(pieces.join('')).toBe(final.content[0]?.type === 'text' ? final.content[0].text : '');
    expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { location: 'Paris' },
    });
    expect(final.usage.output_tokens).toBe(12);
    const sent = (await recordedRequest(id)).body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: MODEL, stream: true, tool_choice: { type: 'tool', name: 'get_weather' } });
  });

  it("the provider's errors reach the SDK as its classes: RateLimitError with Retry-After, 529 overloaded", async () => {
    const body = { max_tokens: 50, messages: [{ role: 'user' as const, content: 'Hi' }] };
    const limited = await rejectionOf(
      client.messages.create({ ...body, model: await claude('pass-claude-429', 'error429') }),
    );
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers?.get('retry-after')).toBe('7');
    const overloaded = await rejectionOf(
      client.messages.create({ ...body, model: await claude('pass-claude-529', 'error529') }),
    );
    expect(overloaded).toBeInstanceOf(APIError);
    expect((overloaded as APIError).status).toBe(529);
    expect((overloaded as APIError).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('a client abort reaches the provider and frees the slot', async () => {
    const slow = await claude('pass-claude-slow', 'slow/1000');
    const created = await createKey([slow], 1);
    const id = newRequestId('pass-claude-abort');
    const stream = anthropic(created.key).messages.stream(
      { model: slow, max_tokens: 200, messages: [{ role: 'user', content: 'Tell me a long story' }] },
      { headers: { 'x-request-id': id } },
    );
    const ended = rejectionOf(stream.finalMessage());
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    expect(await inFlight(created.id)).toBe(1);
    stream.abort();
    expect(await ended).toBeInstanceOf(APIUserAbortError);
    await eventually(async () => expect((await recordedRequest(id)).outcome).toBe('aborted'), { timeoutMs: 5_000 });
    await eventually(async () => expect(await inFlight(created.id)).toBe(0), { timeoutMs: 5_000 });
  });
});
