// The Anthropic Messages API end to end, through `wrangler dev`, with the official
// @anthropic-ai/sdk unmodified: messages.create and messages.stream, tool use, and its error
// classes, against a vLLM-protocol and a TGI-protocol endpoint; a client abort frees the slot.

import Anthropic, {
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  createEndpoint,
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

/** The SDK pointed at the router (it appends /v1/messages), without retries. */
const anthropic = (apiKey: string, baseURL = routerUrl()) =>
  new Anthropic({ apiKey, baseURL, maxRetries: 0, timeout: 20_000 });

const weather: Tool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

for (const kind of ['vllm', 'tgi'] as const) {
  describe(`Anthropic Messages API on a ${kind}-protocol endpoint`, () => {
    let ep: string;
    let client: Anthropic;

    beforeAll(async () => {
      ep = await endpointOf[kind](`msg-${kind}`);
      client = anthropic((await createKey(null)).key);
    });

    it('messages.create answers with text, a stop reason and usage', async () => {
      const msg = await client.messages.create({
        model: ep,
        max_tokens: 200,
        system: 'Answer briefly',
        messages: [{ role: 'user', content: 'Tell me about Paris' }],
        metadata: { user_id: 'user-1' },
      });
      expect(msg.type).toBe('message');
      expect(msg.model).toBe(ep);
      expect(msg.stop_reason).toBe('end_turn');
      expect(msg.content[0]?.type).toBe('text');
      expect(msg.usage.input_tokens).toBeGreaterThan(0);
      expect(msg.usage.output_tokens).toBeGreaterThan(0);
      const stopped = await client.messages.create({
        model: ep,
        max_tokens: 200,
        stop_sequences: ['photographer'],
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'photographer' });
    });

    it('messages.stream streams text that adds up to the non-streaming answer, with the final usage', async () => {
      const request = {
        model: ep,
        max_tokens: 200,
        messages: [{ role: 'user' as const, content: 'Describe the Seine' }],
      };
      const whole = await client.messages.create(request);
      const stream = client.messages.stream(request);
      const pieces: string[] = [];
      stream.on('text', (text) => pieces.push(text));
      const final = await stream.finalMessage();
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces.join('')).toBe(whole.content[0]?.type === 'text' ? whole.content[0].text : '');
      expect(final.content).toEqual(whole.content);
      expect(final.stop_reason).toBe('end_turn');
      expect(final.usage).toMatchObject({
        input_tokens: whole.usage.input_tokens,
        output_tokens: whole.usage.output_tokens,
      });
    });

    it('tool use: tool_use out, tool_result back, streaming and not', async () => {
      const ask: MessageParam = { role: 'user', content: 'What is the weather in Paris?' };
      const first = await client.messages.create({ model: ep, max_tokens: 200, tools: [weather], messages: [ask] });
      expect(first.stop_reason).toBe('tool_use');
      const use = first.content.find((b) => b.type === 'tool_use');
      if (use?.type !== 'tool_use') throw new Error('no tool_use block');
      expect(use).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });

      const answer = await client.messages.create({
        model: ep,
        max_tokens: 200,
        tools: [weather],
        messages: [
          ask,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'clear sky' }] },
        ],
      });
      expect(answer.stop_reason).toBe('end_turn');
      expect(answer.content[0]?.type).toBe('text');

      const streamed = await client.messages
        .stream({ model: ep, max_tokens: 200, tools: [weather], tool_choice: { type: 'any' }, messages: [ask] })
        .finalMessage();
      expect(streamed.stop_reason).toBe('tool_use');
      expect(streamed.content.find((b) => b.type === 'tool_use')).toMatchObject({
        type: 'tool_use',
        name: 'get_weather',
        input: { city: 'Paris' },
      });
    });

    it('a client abort reaches the origin and frees the slot', async () => {
      const slow = await endpointOf[kind](`msg-${kind}-slow`, 'slow/1000');
      const created = await createKey([slow], 1);
      const id = newRequestId(`msg-abort-${kind}`);
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
}

describe('Anthropic SDK errors and auth', () => {
  it('raises AuthenticationError, NotFoundError, BadRequestError and RateLimitError', async () => {
    const ep = (await createEndpoint('msg-errors', { mode: 'slow/300' })).name;
    const key = await createKey([ep], 1);
    const client = anthropic(key.key);
    const body = { model: ep, max_tokens: 50, messages: [{ role: 'user' as const, content: 'Hi' }] };
    const unauthenticated = await rejectionOf(anthropic('sk-not-a-key').messages.create(body));
    expect(unauthenticated).toBeInstanceOf(AuthenticationError);
    expect((unauthenticated as AuthenticationError).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
    expect(await rejectionOf(client.messages.create({ ...body, model: 'no-such-endpoint' }))).toBeInstanceOf(
      NotFoundError,
    );
    const bad = await rejectionOf(
      client.messages.create({ ...body, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
    );
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).message).toMatch(/Server tool 'web_search_20250305'/);

    const first = client.messages.create(body);
    await eventually(async () => expect(await inFlight(key.id)).toBe(1));
    const limited = await rejectionOf(client.messages.create(body));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers?.get('retry-after')).toBeTruthy();
    await first;
  });

  it('takes the key in x-api-key, and the endpoint from /endpoints/{name}', async () => {
    const ep = (await createEndpoint('msg-xkey')).name;
    const key = (await createKey([ep])).key;
    const client = new Anthropic({
      apiKey: null,
      authToken: null,
      baseURL: `${routerUrl()}/endpoints/${ep}`,
      defaultHeaders: { 'x-api-key': key },
      maxRetries: 0,
    });
    const msg = await client.messages.create({
      model: 'ignored',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(msg.model).toBe(ep);
  });
});
