import { beforeAll, describe, expect, it } from 'vitest';
import { SERVED_NAMES } from '../origin/served-name';
import { admin, call, createEndpoint, createKey, eventually, inFlight, originStats, sseEvents } from './helpers/router';

type Name = (typeof SERVED_NAMES)[number];
const hello = [{ role: 'user', content: 'hello' }];
const withUsage = { stream: true, stream_options: { include_usage: true } };

/** An endpoint named as the emulator serves the model (vLLM's --served-model-name): nothing to rename. */
const served = (name: Name, mode?: string, body?: Record<string, unknown>) =>
  createEndpoint(name, { model: name, mode, body });

const chat = (key: string, json: Record<string, unknown>) =>
  call('/v1/chat/completions', { method: 'POST', token: key, json });

interface Chunk {
  model?: string;
  choices?: Array<{ delta?: { content?: string } }>;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  error?: { message: string; code: string | null };
}
const parsed = (events: string[]) => events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e) as Chunk);

async function usageRow(id: string, endpoint: string) {
  const { data } = (await (await admin('GET', `/keys/${id}/usage`)).json()) as {
    data: Array<{
      endpoint: string;
      requests: number;
      completed: number;
      failed: number;
      aborted: number;
      prompt_tokens: number;
      completion_tokens: number;
    }>;
  };
  return data.find((r) => r.endpoint === endpoint);
}

describe('streams that pass through unchanged (the origin serves the endpoint name, the client asks for usage)', () => {
  it('the client gets the origin stream as it came, and the usage counts', async () => {
    await served('served-plain');
    const { id, key } = await createKey();
    const res = await chat(key, { model: 'served-plain', messages: hello, ...withUsage });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-served-entity')).toBe('served-plain-a');
    const text = await res.text();
    // The origin's framing, untouched: `data: {…}\n\n` events and the usage-only chunk before [DONE].
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = await sseEvents(new Response(text));
    const chunks = parsed(events);
    expect(chunks.every((c) => c.model === 'served-plain')).toBe(true);
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage!.completion_tokens).toBeGreaterThan(0);
    await eventually(async () =>
      expect(await usageRow(id, 'served-plain')).toMatchObject({
        requests: 1,
        completed: 1,
        prompt_tokens: usage.usage!.prompt_tokens,
        completion_tokens: usage.usage!.completion_tokens,
      }),
    );
    expect(await inFlight(id)).toBe(0);
  });

  it('a client that did not ask for usage still goes through the codec (no usage chunk it did not ask for)', async () => {
    const { key } = await createKey();
    const events = await sseEvents(await chat(key, { model: 'served-plain', messages: hello, stream: true }));
    const chunks = parsed(events);
    expect(events.at(-1)).toBe('[DONE]');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.some((c) => c.usage != null || c.choices?.length === 0)).toBe(false);
  });

  it("an origin's in-stream error reaches the client as the origin wrote it, and the request counts as failed", async () => {
    await served('served-instream', 'instream-error/2');
    const { id, key } = await createKey();
    const events = await sseEvents(await chat(key, { model: 'served-instream', messages: hello, ...withUsage }));
    const error = parsed(events).find((c) => c.error);
    expect(error?.error?.message).toBeTruthy();
    // Not re-worded by the router's codec ("Origin error: …").
    expect(error?.error?.message).not.toMatch(/^Origin error/);
    await eventually(async () => expect(await usageRow(id, 'served-instream')).toMatchObject({ failed: 1 }));
    expect(await inFlight(id)).toBe(0);
  });

  it('a stream capped at 32 tokens or fewer is re-framed by the codec (its in-stream error reworded)', async () => {
    const { key } = await createKey();
    const short = await sseEvents(
      await chat(key, { model: 'served-instream', messages: hello, max_tokens: 32, ...withUsage }),
    );
    expect(parsed(short).find((c) => c.error)?.error).toMatchObject({
      code: 'origin_error',
      message: expect.stringMatching(/^Origin error/),
    });
    // Over the cap: the native path, the origin's own words.
    const long = await sseEvents(
      await chat(key, { model: 'served-instream', messages: hello, max_tokens: 33, ...withUsage }),
    );
    expect(parsed(long).find((c) => c.error)?.error?.message).not.toMatch(/^Origin error/);
  });

  it('an origin that drops mid-stream: the client gets what came, then an error event and [DONE]', async () => {
    await served('served-drop', 'drop/3');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const events = await sseEvents(await chat(key, { model: 'served-drop', messages: hello, ...withUsage }));
    const chunks = parsed(events);
    expect(chunks.filter((c) => c.choices?.[0]?.delta?.content).length).toBeGreaterThanOrEqual(1);
    expect(chunks.at(-1)?.error?.code).toMatch(/^origin_stream_(failed|truncated)$/);
    expect(events.at(-1)).toBe('[DONE]');
    await eventually(async () => expect(await usageRow(id, 'served-drop')).toMatchObject({ failed: 1 }));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('an origin that goes silent mid-stream is cut at the idle timeout, with an error event', async () => {
    await served('served-idle', 'stall/2', { timeouts: { idle_ms: 300 } });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const abortedBefore = (await originStats()).aborted;
    const events = await sseEvents(await chat(key, { model: 'served-idle', messages: hello, ...withUsage }));
    const error = parsed(events).at(-1)?.error;
    expect(error).toMatchObject({ code: 'origin_timeout', message: expect.stringMatching(/300 ms \(idle timeout\)/) });
    expect(events.at(-1)).toBe('[DONE]');
    await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(abortedBefore));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('the total timeout ends a stream that is still flowing, with an error event', async () => {
    await served('served-total', 'slow/50', { timeouts: { total_ms: 600 } });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const events = await sseEvents(
      await chat(key, { model: 'served-total', messages: hello, max_tokens: 200, ignore_eos: true, ...withUsage }),
    );
    const chunks = parsed(events);
    expect(chunks.filter((c) => c.choices?.[0]?.delta?.content).length).toBeGreaterThan(2);
    expect(chunks.at(-1)?.error).toMatchObject({ code: 'origin_timeout', message: expect.stringMatching(/total/) });
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('a client that leaves mid-stream frees its slot and the origin is aborted', async () => {
    await served('served-left', 'slow/50');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const abortedBefore = (await originStats()).aborted;
    const res = await chat(key, {
      model: 'served-left',
      messages: hello,
      max_tokens: 200,
      ignore_eos: true,
      ...withUsage,
    });
    const reader = res.body!.getReader();
    let text = '';
    while ((text.match(/"content":"[^"]+"/g) ?? []).length < 3)
      text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(abortedBefore));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
    await eventually(async () => expect(await usageRow(id, 'served-left')).toMatchObject({ aborted: 1 }));
  });

  it('events reach the client as the origin sends them: none is held back for a batch', async () => {
    // Three tokens, then the origin goes silent until the client leaves. Had the router held events back to send
    // them in batches (as a copy read with `readAtLeast` once did, through the runtime's tee), the third would
    // come only with the idle timeout's end of the stream, 60 s later: past this test's own timeout.
    await served('served-held', 'stall/3');
    const { id, key } = await createKey();
    const res = await chat(key, { model: 'served-held', messages: hello, max_tokens: 100, ...withUsage });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const contents = () => (text.match(/"content":"[^"]+"/g) ?? []).length;
    while (contents() < 3) {
      const next = await reader.read();
      expect(next.done).toBe(false);
      text += decoder.decode(next.value, { stream: true });
    }
    expect(text).not.toContain('[DONE]');
    expect(await inFlight(id)).toBe(1);
    await reader.cancel();
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  }, 20_000);

  it("revoking the key ends its running stream with the router's error event and frees its slot", async () => {
    // Three tokens, then the origin goes silent: left alone, the stream would run until its idle timeout (60 s).
    await served('served-revoked', 'stall/3');
    const { id, key } = await createKey();
    const res = await chat(key, { model: 'served-revoked', messages: hello, max_tokens: 100, ...withUsage });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('"content":"')) text += decoder.decode((await reader.read()).value, { stream: true });
    expect(await inFlight(id)).toBe(1);
    expect((await admin('POST', `/keys/${id}/revoke`)).status).toBe(200);
    for (let next = await reader.read(); !next.done; next = await reader.read())
      text += decoder.decode(next.value, { stream: true });
    const events = await sseEvents(new Response(text));
    expect(events.at(-1)).toBe('[DONE]');
    expect(parsed(events).at(-1)?.error).toMatchObject({ code: 'api_key_revoked', message: 'The API key was revoked' });
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  }, 30_000);
});

describe('an origin that writes its stream as Python json.dumps does (llama-cpp-python: `"usage": {…}`)', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['passed through natively (over 32 tokens)', 'served-spaced', { max_tokens: 40, ignore_eos: true }],
    ['re-framed by the codec (32 tokens or fewer)', 'served-spaced', { max_tokens: 8, ignore_eos: true }],
    ['with the model renamed', 'spaced-renamed', { max_tokens: 40, ignore_eos: true }],
  ];
  beforeAll(async () => {
    await served('served-spaced', 'json-dumps');
    await createEndpoint('spaced-renamed', { mode: 'json-dumps' });
  });
  for (const [label, endpoint, body] of cases) {
    it(`its usage counts: ${label}`, async () => {
      const { id, key } = await createKey();
      const res = await chat(key, { model: endpoint, messages: hello, ...withUsage, ...body });
      expect(res.status).toBe(200);
      const chunks = parsed(await sseEvents(res));
      expect(chunks.every((c) => c.model === endpoint)).toBe(true);
      const usage = chunks.at(-1)!.usage!;
      expect(usage.completion_tokens).toBe(body.max_tokens);
      await eventually(async () =>
        expect(await usageRow(id, endpoint)).toMatchObject({
          requests: 1,
          completed: 1,
          prompt_tokens: usage.prompt_tokens,
          completion_tokens: usage.completion_tokens,
        }),
      );
    });
  }
});
