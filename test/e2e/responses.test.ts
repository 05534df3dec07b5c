// The OpenAI Responses API end to end, through `wrangler dev`, with the official clients
// unmodified: the openai SDK (`responses.create`, streaming and not, function tools) and the
// Vercel AI SDK (`@ai-sdk/openai`'s default model, which calls /v1/responses; generateText,
// streamText, a tool loop), each against a vLLM-protocol and a TGI-protocol endpoint.

import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError } from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  CHAT_MODEL,
  collect,
  createEndpoint,
  createKey,
  eventually,
  inFlight,
  newRequestId,
  openai,
  originUrl,
  recordedRequest,
  rejectionOf,
  routerUrl,
  uniqueName,
} from './helpers.ts';

async function tgiEndpoint(prefix: string, mode?: string): Promise<string> {
  const name = uniqueName(prefix);
  const url = `${originUrl()}${mode ? `/mode/${mode}` : ''}/tgi`;
  await admin().createEndpoint({
    name,
    served_entities: [{ name: 'main', protocol: 'tgi', model: 'tgi', origins: [{ url }] }],
  });
  return name;
}

const endpointOf = {
  vllm: async (prefix: string, mode?: string) => (await createEndpoint(prefix, { mode })).name,
  tgi: tgiEndpoint,
};

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

for (const kind of ['vllm', 'tgi'] as const) {
  describe(`Responses API on a ${kind}-protocol endpoint`, () => {
    let ep: string;
    let client: OpenAI;
    let key: string;

    beforeAll(async () => {
      ep = await endpointOf[kind](`resp-${kind}`);
      key = (await createKey(null)).key;
      client = openai(key);
    });

    it('openai: responses.create answers with output_text and usage', async () => {
      const res = await client.responses.create({
        model: ep,
        instructions: 'Answer briefly',
        input: 'Tell me about Paris',
      });
      expect(res.object).toBe('response');
      expect(res.model).toBe(ep);
      expect(res.status).toBe('completed');
      expect(res.output_text.length).toBeGreaterThan(0);
      expect(res.usage!.total_tokens).toBe(res.usage!.input_tokens + res.usage!.output_tokens);
    });

    it('openai: a streamed response adds up to the same text, with sequence numbers', async () => {
      const whole = await client.responses.create({ model: ep, input: 'Describe the Seine' });
      const events = await collect(
        await client.responses.create({ model: ep, input: 'Describe the Seine', stream: true }),
      );
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      const text = events
        .flatMap((e: ResponseStreamEvent) => (e.type === 'response.output_text.delta' ? [e.delta] : []))
        .join('');
      expect(text).toBe(whole.output_text);
      const last = events.at(-1)!;
      expect(last.type).toBe('response.completed');
      if (last.type === 'response.completed') expect(last.response.usage).toEqual(whole.usage);
      // The SDK's stream helper assembles the same response.
      const final = await client.responses.stream({ model: ep, input: 'Describe the Seine' }).finalResponse();
      expect(final.output_text).toBe(whole.output_text);
    });

    it('openai: function tools, called and answered, streaming and not', async () => {
      const first = await client.responses.create({
        model: ep,
        input: 'What is the weather in Paris?',
        tools: [weather],
      });
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' });
      if (call?.type !== 'function_call') throw new Error('no function call');
      expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
      const second = await client.responses.create({
        model: ep,
        tools: [weather],
        input: [
          { role: 'user', content: 'What is the weather in Paris?' },
          { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ sky: 'clear' }) },
        ],
      });
      expect(second.output_text.length).toBeGreaterThan(0);

      const events = await collect(
        await client.responses.create({
          model: ep,
          input: 'Weather in Lyon?',
          tools: [weather],
          tool_choice: 'required',
          stream: true,
        }),
      );
      const args = events
        .flatMap((e) => (e.type === 'response.function_call_arguments.delta' ? [e.delta] : []))
        .join('');
      expect(JSON.parse(args)).toEqual({ city: 'Paris' });
      const done = events.at(-1)!;
      if (done.type !== 'response.completed') throw new Error(`ended with ${done.type}`);
      expect(done.response.output[0]).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: args });
    });

    it('Vercel AI SDK: generateText and streamText with the default (Responses) model', async () => {
      const provider = createOpenAI({ apiKey: key, baseURL: `${routerUrl()}/v1` });
      const generated = await generateText({ model: provider(ep), prompt: 'Tell me about Paris', maxRetries: 0 });
      expect(generated.text.length).toBeGreaterThan(0);
      expect(generated.finishReason).toBe('stop');
      expect(generated.usage.outputTokens).toBeGreaterThan(0);
      expect(generated.response.modelId).toBe(ep);

      const streamed = streamText({ model: provider(ep), prompt: 'Tell me about Paris', maxRetries: 0 });
      expect((await collect(streamed.textStream)).join('')).toBe(generated.text);
      expect((await streamed.usage).outputTokens).toBe(generated.usage.outputTokens);
    });

    it('Vercel AI SDK: a tool loop (call, execute, answer)', async () => {
      const provider = createOpenAI({ apiKey: key, baseURL: `${routerUrl()}/v1` });
      const cities: string[] = [];
      const result = await generateText({
        model: provider(ep),
        prompt: 'What is the weather in Paris?',
        maxRetries: 0,
        stopWhen: stepCountIs(3),
        tools: {
          get_weather: tool({
            description: 'The weather in a city',
            inputSchema: jsonSchema<{ city: string }>({
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            }),
            execute: async ({ city }) => {
              cities.push(city);
              return { sky: 'clear' };
            },
          }),
        },
      });
      expect(cities).toEqual(['Paris']);
      expect(result.steps.length).toBe(2);
      expect(result.steps[0]!.finishReason).toBe('tool-calls');
      expect(result.text.length).toBeGreaterThan(0);
    });

    it('a client abort reaches the origin and frees the slot', async () => {
      const slow = await endpointOf[kind](`resp-${kind}-slow`, 'slow/1000');
      const created = await createKey([slow], 1);
      const c = openai(created.key);
      const id = newRequestId(`resp-abort-${kind}`);
      const stream = await c.responses.create(
        { model: slow, input: 'Tell me a long story', stream: true },
        { headers: { 'x-request-id': id } },
      );
      const events = stream[Symbol.asyncIterator]();
      await events.next(); // response.created
      expect(await inFlight(created.id)).toBe(1);
      stream.controller.abort();
      await eventually(async () => expect((await recordedRequest(id)).outcome).toBe('aborted'), { timeoutMs: 5_000 });
      await eventually(async () => expect(await inFlight(created.id)).toBe(0), { timeoutMs: 5_000 });
    });
  });
}

describe('Responses API passed through to an origin that serves it (vLLM)', () => {
  it('openai: responses.create, streaming and not, reach /v1/responses with the origin model', async () => {
    const name = uniqueName('resp-native');
    await admin().createEndpoint({
      name,
      served_entities: [
        { name: 'main', protocol: 'openai', model: CHAT_MODEL, responses_api: true, origins: [{ url: originUrl() }] },
      ],
    });
    const client = openai((await createKey([name])).key);
    const id = newRequestId('resp-native');
    const res = await client.responses.create(
      { model: name, input: 'Tell me about Paris' },
      { headers: { 'x-request-id': id } },
    );
    expect(res.model).toBe(name);
    expect(res.output_text.length).toBeGreaterThan(0);
    const seen = await recordedRequest(id);
    expect(seen.path).toBe('/v1/responses');
    expect(seen.body).toMatchObject({ model: CHAT_MODEL, store: false });
    const events = await collect(
      await client.responses.create({ model: name, input: 'Tell me about Paris', stream: true }),
    );
    const text = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(text).toBe(res.output_text);
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { model: name } });
  });
});

describe('Responses API errors raise the openai SDK classes', () => {
  it('AuthenticationError, NotFoundError, and BadRequestError for what a stateless router refuses', async () => {
    const ep = (await createEndpoint('resp-errors')).name;
    const good = openai((await createKey(null)).key);
    expect(await rejectionOf(openai('sk-not-a-key').responses.create({ model: ep, input: 'Hi' }))).toBeInstanceOf(
      AuthenticationError,
    );
    expect(await rejectionOf(good.responses.create({ model: 'no-such-endpoint', input: 'Hi' }))).toBeInstanceOf(
      NotFoundError,
    );
    const stateful = await rejectionOf(
      good.responses.create({ model: ep, input: 'Hi', previous_response_id: 'resp_abc' }),
    );
    expect(stateful).toBeInstanceOf(BadRequestError);
    expect((stateful as BadRequestError).message).toMatch(/stateless/);
    const hosted = await rejectionOf(
      good.responses.create({ model: ep, input: 'Hi', tools: [{ type: 'web_search' }] }),
    );
    expect((hosted as BadRequestError).message).toMatch(/Built-in tool 'web_search'/);
  });
});
