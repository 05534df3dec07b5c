// The happy paths through the router, driven with the official openai SDK: chat,
// completions and embeddings (plain and streaming), model listing, the endpoint-scoped
// base URL, and what the origin actually receives (model rewrite, vLLM extras, defaults).

import type OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHAT_MODEL,
  collect,
  createEndpoint,
  createKey,
  EMBEDDING_MODEL,
  newRequestId,
  openai,
  recordedRequest,
  routerUrl,
  userMessage,
} from './helpers.ts';

type ChatChunk = OpenAI.Chat.Completions.ChatCompletionChunk;

let chatEp: string;
let otherEp: string;
let embedEp: string;
let defaultsEp: string;
let client: OpenAI;

beforeAll(async () => {
  chatEp = (await createEndpoint('chat')).name;
  otherEp = (await createEndpoint('chat-other')).name;
  embedEp = (await createEndpoint('chat-embed', { model: EMBEDDING_MODEL })).name;
  defaultsEp = (
    await createEndpoint('chat-defaults', {
      defaults: { system_prompt: 'You are a terse assistant.', temperature: 0.25 },
    })
  ).name;
  const key = await createKey(null);
  client = openai(key.key);
});

const chatText = (chunks: ChatChunk[]) => chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');

describe('chat completions', () => {
  it('answers a non-streaming request with text, the endpoint name as model, and usage', async () => {
    const res = await client.chat.completions.create({ model: chatEp, messages: userMessage('Tell me about Paris') });
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe(chatEp);
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]!.message.role).toBe('assistant');
    expect(res.choices[0]!.message.content?.trim().length).toBeGreaterThan(0);
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage).toBeDefined();
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage!.completion_tokens).toBeGreaterThan(0);
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
  });

  it('streams deltas that add up to the same answer and ends cleanly, without a usage chunk by default', async () => {
    const prompt = 'Describe a photograph of the Seine';
    const whole = await client.chat.completions.create({ model: chatEp, messages: userMessage(prompt) });
    const stream = await client.chat.completions.create({ model: chatEp, messages: userMessage(prompt), stream: true });
    const chunks = await collect(stream);

    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(chunk.model).toBe(chatEp);
      expect(chunk.usage ?? null).toBeNull();
    }
    const text = chatText(chunks);
    expect(text.trim().length).toBeGreaterThan(0);
    expect(text).toBe(whole.choices[0]!.message.content);
    const finishes = chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);
    expect(finishes).toEqual(['stop']);
  });

  it('adds exactly one usage chunk, last, with stream_options.include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: chatEp,
      messages: userMessage('Count the bridges of Paris'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    const withUsage = chunks.filter((c) => c.usage);
    expect(withUsage).toHaveLength(1);
    const last = chunks.at(-1)!;
    expect(last.usage).toBeTruthy();
    expect(last.choices).toEqual([]);
    expect(last.model).toBe(chatEp);
    expect(last.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
    expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + last.usage!.completion_tokens);
    expect(chatText(chunks).trim().length).toBeGreaterThan(0);
  });
});

describe('completions', () => {
  it('answers a non-streaming completion', async () => {
    const res = await client.completions.create({ model: chatEp, prompt: 'Once upon a time', max_tokens: 8 });
    expect(res.object).toBe('text_completion');
    expect(res.model).toBe(chatEp);
    expect(res.choices[0]!.text.trim().length).toBeGreaterThan(0);
    expect(res.usage!.completion_tokens).toBeGreaterThan(0);
    expect(res.usage!.completion_tokens).toBeLessThanOrEqual(8);
  });

  it('streams a completion to a clean end', async () => {
    const prompt = 'The river flows';
    const whole = await client.completions.create({ model: chatEp, prompt });
    const stream = await client.completions.create({ model: chatEp, prompt, stream: true });
    const chunks = await collect(stream);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.model).toBe(chatEp);
    const text = chunks.map((c) => c.choices[0]?.text ?? '').join('');
    expect(text.trim().length).toBeGreaterThan(0);
    expect(text).toBe(whole.choices[0]!.text);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toHaveLength(1);
  });
});

describe('embeddings', () => {
  it('returns float embeddings, one per input, in order', async () => {
    const id = newRequestId('embed-float');
    const res = await client.embeddings.create(
      { model: embedEp, input: ['first text', 'second text'], encoding_format: 'float' },
      { headers: { 'x-request-id': id } },
    );
    expect(res.object).toBe('list');
    expect(res.model).toBe(embedEp);
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    const [a, b] = res.data.map((d) => d.embedding);
    expect(a!.length).toBeGreaterThan(0);
    expect(b!.length).toBe(a!.length);
    for (const x of a!) expect(typeof x).toBe('number');
    expect(a).not.toEqual(b);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);

    const seen = await recordedRequest(id);
    expect(seen.body).toMatchObject({ model: EMBEDDING_MODEL, encoding_format: 'float' });
  });

  it('passes the SDK default (base64 on the wire) through, decoded to the same vectors', async () => {
    const input = 'a sentence to embed';
    const float = await client.embeddings.create({ model: embedEp, input, encoding_format: 'float' });
    const id = newRequestId('embed-b64');
    const decoded = await client.embeddings.create({ model: embedEp, input }, { headers: { 'x-request-id': id } });
    expect(decoded.model).toBe(embedEp);
    const want = float.data[0]!.embedding;
    const got = decoded.data[0]!.embedding;
    expect(got).toHaveLength(want.length);
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 5));

    const seen = await recordedRequest(id);
    expect(seen.body).toMatchObject({ model: EMBEDDING_MODEL, encoding_format: 'base64' });
  });
});

describe('models', () => {
  it('lists exactly the endpoints the key is scoped to', async () => {
    const scoped = openai((await createKey([chatEp, embedEp])).key);
    const ids: string[] = [];
    for await (const model of scoped.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual([chatEp, embedEp].sort());

    const single = openai((await createKey([otherEp])).key);
    const only: string[] = [];
    for await (const model of single.models.list()) only.push(model.id);
    expect(only).toEqual([otherEp]);
  });

  it('lists every endpoint for an unscoped key', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining([chatEp, otherEp, embedEp, defaultsEp]));
  });
});

describe('endpoint-scoped base URL', () => {
  it('serves /endpoints/<name>/v1 whatever model the body names', async () => {
    const scoped = openai((await createKey(null)).key, `${routerUrl()}/endpoints/${chatEp}/v1`);
    const id = newRequestId('scoped-url');
    const res = await scoped.chat.completions.create(
      { model: 'no-such-model-anywhere', messages: userMessage('Hello there') },
      { headers: { 'x-request-id': id } },
    );
    expect(res.model).toBe(chatEp);
    expect(res.choices[0]!.message.content?.trim().length).toBeGreaterThan(0);
    expect((await recordedRequest(id)).body).toMatchObject({ model: CHAT_MODEL });

    const ids: string[] = [];
    for await (const model of scoped.models.list()) ids.push(model.id);
    expect(ids).toEqual([chatEp]);
  });
});

describe('what the origin receives', () => {
  it('gets the origin model id, vLLM extras untouched, and the endpoint defaults where the request has none', async () => {
    const id = newRequestId('extras');
    const params: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming & {
      top_k: number;
      min_p: number;
      repetition_penalty: number;
    } = {
      model: defaultsEp,
      messages: userMessage('What is a good lens for portraits?'),
      top_k: 20,
      min_p: 0.05,
      repetition_penalty: 1.1,
    };
    const res = await client.chat.completions.create(params, { headers: { 'x-request-id': id } });
    expect(res.model).toBe(defaultsEp);

    const body = (await recordedRequest(id)).body as Record<string, unknown>;
    expect(body.model).toBe(CHAT_MODEL);
    expect(body.top_k).toBe(20);
    expect(body.min_p).toBe(0.05);
    expect(body.repetition_penalty).toBe(1.1);
    expect(body.temperature).toBe(0.25);
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'What is a good lens for portraits?' },
    ]);
  });

  it("keeps the client's own system prompt and temperature", async () => {
    const id = newRequestId('own-system');
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You speak like a pirate.' },
      { role: 'user', content: 'Where is the treasure?' },
    ];
    await client.chat.completions.create(
      { model: defaultsEp, messages, temperature: 0.9 },
      { headers: { 'x-request-id': id } },
    );
    const body = (await recordedRequest(id)).body as Record<string, unknown>;
    expect(body.model).toBe(CHAT_MODEL);
    expect(body.messages).toEqual(messages);
    expect(body.temperature).toBe(0.9);
  });

  it('sends no default the endpoint does not define', async () => {
    const id = newRequestId('no-defaults');
    await client.chat.completions.create(
      { model: chatEp, messages: userMessage('Plain request') },
      { headers: { 'x-request-id': id } },
    );
    const body = (await recordedRequest(id)).body as Record<string, unknown>;
    expect(body.model).toBe(CHAT_MODEL);
    expect(body).not.toHaveProperty('temperature');
    expect(body.messages).toEqual(userMessage('Plain request'));
  });
});
