import { describe, expect, it } from 'vitest';
import {
  CHAT_MODEL,
  EMBEDDING_MODEL,
  admin,
  call,
  createEndpoint,
  createKey,
  originRequestWith,
  originUrl,
  sseEvents,
} from './helpers/router';

const chat = (token: string, json: unknown, path = '/v1/chat/completions') =>
  call(path, { method: 'POST', token, json });
const say = (marker: string) => [{ role: 'user', content: `hello ${marker}` }];

describe('inference: OpenAI routes', () => {
  it('proxies a chat completion, renaming the model both ways', async () => {
    await createEndpoint('chat-basic');
    const { key } = await createKey();
    const res = await chat(key, { model: 'chat-basic', messages: say('m1') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('server-timing')).toMatch(/^gate;dur=\d+\.\d{2}, origin;dur=\d+$/);
    const body = (await res.json()) as {
      model: string;
      object: string;
      choices: Array<{ message: { content: string } }>;
      usage: { completion_tokens: number };
    };
    expect(body).toMatchObject({ model: 'chat-basic', object: 'chat.completion' });
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    const seen = await originRequestWith('hello m1');
    expect(seen.path).toBe('/v1/chat/completions');
    expect(seen.body!.model).toBe(CHAT_MODEL);
    expect(seen.headers.authorization ?? '').not.toContain(key);
  });

  it('streams SSE with the endpoint name, [DONE] last, and no usage chunk unless asked', async () => {
    await createEndpoint('chat-stream');
    const { key } = await createKey();
    const res = await chat(key, { model: 'chat-stream', messages: say('m2'), stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await sseEvents(res);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events
      .slice(0, -1)
      .map((e) => JSON.parse(e) as { model: string; usage?: unknown; choices: unknown[] });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.model === 'chat-stream')).toBe(true);
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
    // The router always asks the origin for usage, to count tokens.
    expect((await originRequestWith('hello m2')).body!.stream_options).toEqual({ include_usage: true });
  });

  it('passes the usage chunk through when the client asks for it', async () => {
    await createEndpoint('chat-usage');
    const { key } = await createKey();
    const res = await chat(key, {
      model: 'chat-usage',
      messages: say('m3'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const events = await sseEvents(res);
    const usage = JSON.parse(events.at(-2)!) as { choices: unknown[]; usage: { completion_tokens: number } };
    expect(usage.choices).toEqual([]);
    expect(usage.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('proxies completions, streaming and not', async () => {
    await createEndpoint('completions');
    const { key } = await createKey();
    const plain = await chat(key, { model: 'completions', prompt: 'Once upon m4', max_tokens: 5 }, '/v1/completions');
    expect(await plain.json()).toMatchObject({
      object: 'text_completion',
      model: 'completions',
      usage: { completion_tokens: 5 },
    });
    const streamed = await chat(key, { model: 'completions', prompt: 'Once upon m5', stream: true }, '/v1/completions');
    const events = await sseEvents(streamed);
    expect(events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(events[0]!)).toMatchObject({ object: 'text_completion', model: 'completions' });
  });

  it('proxies embeddings', async () => {
    await createEndpoint('embed', { model: EMBEDDING_MODEL });
    const { key } = await createKey();
    const res = await call('/v1/embeddings', {
      method: 'POST',
      token: key,
      json: { model: 'embed', input: ['a', 'b'] },
    });
    const body = (await res.json()) as { model: string; data: Array<{ embedding: number[] }> };
    expect(body.model).toBe('embed');
    expect(body.data).toHaveLength(2);
    expect(body.data[0]!.embedding.length).toBeGreaterThan(0);
  });

  it('passes unknown fields (vLLM extras) through and applies endpoint defaults', async () => {
    await createEndpoint('defaults', {
      body: { defaults: { system_prompt: 'You are terse.', temperature: 0.25, max_tokens: 7, top_k: 5 } },
    });
    const { key } = await createKey();
    await chat(key, { model: 'defaults', messages: say('m6'), min_p: 0.05, repetition_penalty: 1.1, top_k: 40 });
    const first = (await originRequestWith('hello m6')).body!;
    expect(first).toMatchObject({ min_p: 0.05, repetition_penalty: 1.1, top_k: 40, temperature: 0.25, max_tokens: 7 });
    expect(first.messages).toEqual([{ role: 'system', content: 'You are terse.' }, ...say('m6')]);

    const own = [{ role: 'system', content: 'Mine.' }, ...say('m7')];
    await chat(key, { model: 'defaults', messages: own, temperature: 0.9 });
    const second = (await originRequestWith('hello m7')).body!;
    expect(second.messages).toEqual(own);
    expect(second.temperature).toBe(0.9);
  });

  it('serves endpoint-scoped URLs, ignoring the body model', async () => {
    await createEndpoint('scoped-url');
    const { key } = await createKey();
    const res = await chat(
      key,
      { model: 'whatever', messages: say('m8') },
      '/endpoints/scoped-url/v1/chat/completions',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ model: 'scoped-url' });
    const models = await call('/endpoints/scoped-url/v1/models', { token: key });
    expect(((await models.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(['scoped-url']);
  });

  it('lists the models a key may use', async () => {
    await createEndpoint('visible');
    await createEndpoint('hidden');
    const { key } = await createKey({ endpoints: ['visible'] });
    const res = await call('/v1/models', { token: key });
    const body = (await res.json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(body.object).toBe('list');
    expect(body.data).toEqual([expect.objectContaining({ id: 'visible', object: 'model' })]);
    const all = await createKey();
    const ids = (
      (await (await call('/v1/models', { token: all.key })).json()) as { data: Array<{ id: string }> }
    ).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['visible', 'hidden']));
  });

  it('splits traffic across served entities by percentage', async () => {
    const entity = (name: string) => ({ name, protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl() }] });
    const res = await admin('POST', '/endpoints', {
      name: 'split',
      served_entities: [entity('blue'), entity('green')],
      traffic: [
        { served_entity: 'blue', percentage: 50 },
        { served_entity: 'green', percentage: 50 },
      ],
    });
    expect(res.status).toBe(201);
    const { key } = await createKey();
    const served = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = await chat(key, { model: 'split', messages: say(`split-${i}`), max_tokens: 1 });
      await r.arrayBuffer();
      served.add(r.headers.get('x-served-entity')!);
    }
    expect([...served].sort()).toEqual(['blue', 'green']);

    await admin('PATCH', '/endpoints/split', {
      traffic: [
        { served_entity: 'blue', percentage: 0 },
        { served_entity: 'green', percentage: 100 },
      ],
    });
    for (let i = 0; i < 10; i++) {
      const r = await chat(key, { model: 'split', messages: say(`green-${i}`), max_tokens: 1 });
      await r.arrayBuffer();
      expect(r.headers.get('x-served-entity')).toBe('green');
    }
  });

  it('retries a refused origin on the next one before answering', async () => {
    const res = await admin('POST', '/endpoints', {
      name: 'failover',
      served_entities: [
        {
          name: 'pool',
          protocol: 'openai',
          model: CHAT_MODEL,
          // Port 9 (discard) is closed here: the connection is refused.
          origins: [{ url: 'http://127.0.0.1:9', weight: 1000 }, { url: originUrl() }],
        },
      ],
    });
    expect(res.status).toBe(201);
    const { key } = await createKey();
    for (let i = 0; i < 5; i++) {
      const r = await chat(key, { model: 'failover', messages: say(`fo-${i}`), stream: i % 2 === 0 });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
    }
  });
});
