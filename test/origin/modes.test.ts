import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOrigin, type Origin } from './server.ts';
import { at, post, readAll, sseEvents, ssePayloads, waitFor } from './test-helpers.ts';

const CHAT = { messages: [{ role: 'user', content: 'hello there' }], stream: true };

let origin: Origin;
beforeAll(async () => {
  origin = await startOrigin({ port: 0 });
});
afterAll(async () => {
  await origin.close();
});
beforeEach(() => origin.reset());

describe('fault modes', () => {
  it('slow/<ms> spaces tokens out (stream, non-stream, and via the x-emulator-mode header)', async () => {
    let t0 = Date.now();
    await readAll(await post(`${origin.url}/mode/slow/40/v1/chat/completions`, { ...CHAT, max_tokens: 4 }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4 * 40 - 10);
    t0 = Date.now();
    const res = await post(`${origin.url}/mode/slow/40/generate`, { inputs: 'hi', parameters: { max_new_tokens: 3 } });
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 40 - 10);
    t0 = Date.now();
    await readAll(
      await post(
        `${origin.url}/v1/chat/completions`,
        { ...CHAT, max_tokens: 4 },
        { headers: { 'x-emulator-mode': 'slow/40' } },
      ),
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4 * 40 - 10);
  });

  it('drop/<n> sends n tokens then cuts the connection without [DONE]', async () => {
    const res = await post(`${origin.url}/mode/drop/2/v1/chat/completions`, CHAT);
    expect(res.status).toBe(200);
    const { text, error } = await readAll(res);
    expect(error).toBeTruthy();
    expect(text).not.toContain('[DONE]');
    expect(ssePayloads(text, 'data: ')).toHaveLength(3); // role chunk + 2 tokens
    const tgi = await readAll(await post(`${origin.url}/tgi/mode/drop/generate_stream`, { inputs: 'hi' }));
    expect(tgi.error).toBeTruthy();
    expect(ssePayloads(tgi.text, 'data:')).toHaveLength(3);
    await waitFor(() => origin.stats().dropped === 2);
  });

  it('stall/<n> hangs after n tokens; a client abort is counted as aborted', async () => {
    const ac = new AbortController();
    const res = await post(`${origin.url}/mode/stall/1/generate_stream`, { inputs: 'hi' }, { signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toMatch(/^data:\{"index":1,/);
    expect(origin.stats().inFlight).toBe(1);
    ac.abort();
    await waitFor(() => origin.stats().aborted === 1);
    expect(origin.stats().recent.at(-1)).toMatchObject({ outcome: 'aborted', mode: 'stall/1' });

    const ac2 = new AbortController();
    const pending = post(
      `${origin.url}/mode/stall/v1/chat/completions`,
      { ...CHAT, stream: false },
      { signal: ac2.signal },
    );
    await waitFor(() => origin.stats().inFlight === 1);
    ac2.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => origin.stats().aborted === 2 && origin.stats().inFlight === 0);
  });

  it("error500 / error424 answer in each protocol's error shape", async () => {
    const v = await post(`${origin.url}/mode/error500/v1/chat/completions`, CHAT);
    expect(v.status).toBe(500);
    expect(await v.json()).toMatchObject({ error: { type: 'InternalServerError', param: null, code: 500 } });
    const t = await post(`${origin.url}/mode/error500/generate`, { inputs: 'hi' });
    expect(t.status).toBe(500);
    expect(await t.json()).toMatchObject({ error_type: 'incomplete_generation' });
    const g = await post(`${origin.url}/mode/error424/generate`, { inputs: 'hi' });
    expect(g.status).toBe(424);
    expect(await g.json()).toMatchObject({ error_type: 'generation' });
  });

  it("instream-error/<n> emits the protocol's in-stream error under HTTP 200", async () => {
    const v = await post(`${origin.url}/mode/instream-error/2/v1/chat/completions`, CHAT);
    expect(v.status).toBe(200);
    const vt = await v.text();
    const events = sseEvents(vt);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse((events.at(-2) ?? '').slice(6))).toMatchObject({
      error: { type: 'InternalServerError', code: 500 },
    });
    expect(ssePayloads(vt, 'data: ')).toHaveLength(4); // role + 2 tokens + error
    const t = await post(`${origin.url}/mode/instream-error/1/generate_stream`, { inputs: 'hi' });
    const payloads = ssePayloads(await t.text(), 'data:');
    expect(payloads).toHaveLength(2);
    expect(payloads[1]).toMatchObject({ error_type: 'generation' });
  });

  it('json-dumps writes each streamed event as Python json.dumps does; the same chunks, usage included', async () => {
    const body = { ...CHAT, max_tokens: 3, stream_options: { include_usage: true } };
    const spaced = await (await post(`${origin.url}/mode/json-dumps/v1/chat/completions`, body)).text();
    const plain = await (await post(`${origin.url}/v1/chat/completions`, body)).text();
    const lines = sseEvents(spaced).filter((e) => e !== 'data: [DONE]');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(/^data: \{"id": "[^"]+", "object": "chat\.completion\.chunk", /);
    expect(spaced).toContain('"usage": {"prompt_tokens": ');
    expect(spaced).toContain('"choices": [{"index": 0, ');
    expect(sseEvents(spaced).at(-1)).toBe('data: [DONE]');
    // The same JSON values as the compact stream, but for ids and times.
    const values = (text: string) =>
      ssePayloads(text, 'data: ').map((p) => ({ ...(p as object), id: null, created: null }));
    expect(values(spaced)).toEqual(values(plain));
  });

  it('reset destroys the connection before any byte', async () => {
    await expect(post(`${origin.url}/mode/reset/v1/chat/completions`, CHAT)).rejects.toThrow();
    await waitFor(() => origin.stats().dropped === 1);
  });

  it('<model>@<mode> fails that model only, on the same URL', async () => {
    const broken = await post(`${origin.url}/v1/chat/completions`, {
      ...CHAT,
      stream: false,
      model: 'meta-llama/Llama-3.1-8B-Instruct@error500',
    });
    expect(broken.status).toBe(500);
    const fine = await post(`${origin.url}/v1/chat/completions`, {
      ...CHAT,
      stream: false,
      model: 'meta-llama/Llama-3.1-8B-Instruct',
    });
    expect(fine.status).toBe(200);
    const prefixed = await post(`${origin.url}/mode/normal/v1/chat/completions`, {
      ...CHAT,
      stream: false,
      model: 'meta-llama/Llama-3.1-8B-Instruct@error500',
    });
    expect(prefixed.status).toBe(200);
    expect((await post(`${origin.url}/v1/chat/completions`, { ...CHAT, model: 'x@bogus' })).status).toBe(400);
  });

  it('switch/<n> runs under the mode last set for n', async () => {
    const url = `${origin.url}/mode/switch/3/v1/chat/completions`;
    expect((await post(url, { ...CHAT, stream: false })).status).toBe(200);
    expect((await fetch(`${origin.url}/__switch?id=3&mode=error500`, { method: 'POST' })).status).toBe(200);
    expect((await post(url, { ...CHAT, stream: false })).status).toBe(500);
    expect((await post(`${origin.url}/mode/switch/4/v1/chat/completions`, { ...CHAT, stream: false })).status).toBe(
      200,
    );
    expect((await fetch(`${origin.url}/__switch?id=3&mode=normal`, { method: 'POST' })).status).toBe(200);
    expect((await post(url, { ...CHAT, stream: false })).status).toBe(200);
    expect((await fetch(`${origin.url}/__switch?id=3&mode=bogus`, { method: 'POST' })).status).toBe(400);
  });

  it('rejects an unknown mode', async () => {
    const res = await post(`${origin.url}/mode/bogus/v1/chat/completions`, CHAT);
    expect(res.status).toBe(400);
  });
});

describe('stats', () => {
  it('counts requests per route, redacts authorization, and resets over HTTP', async () => {
    await post(
      `${origin.url}/v1/chat/completions`,
      { ...CHAT, stream: false },
      { headers: { authorization: 'Bearer secret' } },
    );
    await post(`${origin.url}/tgi/v1/chat/completions`, { ...CHAT, stream: false });
    await fetch(`${origin.url}/info`);
    await waitFor(() => origin.stats().completed === 3);
    const stats: unknown = await (await fetch(`${origin.url}/__stats`)).json();
    expect(stats).toMatchObject({
      requests: 3,
      inFlight: 0,
      completed: 3,
      aborted: 0,
      byRoute: { 'POST /v1/chat/completions': 1, 'POST /tgi/v1/chat/completions': 1, 'GET /info': 1 },
    });
    expect(at(stats, 'recent.0.headers.authorization')).toBe('[redacted]');
    expect(at(stats, 'recent.0')).toMatchObject({
      method: 'POST',
      status: 200,
      outcome: 'completed',
      flavor: 'vllm',
      body: { stream: false },
    });
    const byId: unknown = await (await fetch(`${origin.url}/__requests?id=nope`)).json();
    expect(byId).toEqual([]);
    await post(
      `${origin.url}/v1/chat/completions`,
      { ...CHAT, stream: false },
      { headers: { 'x-request-id': 'find-me' } },
    );
    await waitFor(() => origin.stats().completed === 4);
    const found: unknown = await (await fetch(`${origin.url}/__requests?id=find-me`)).json();
    expect(found).toMatchObject([{ status: 200, headers: { 'x-request-id': 'find-me' } }]);
    expect((await fetch(`${origin.url}/__reset`, { method: 'POST' })).status).toBe(200);
    expect(origin.stats()).toMatchObject({ requests: 0, recent: [] });
  });
});
