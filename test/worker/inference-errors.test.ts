import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { EndpointStore } from '../../src/endpoints/store';
import { CONCURRENCY_MESSAGE } from '../../src/http/api-error';
import { recorder } from '../../src/metrics/recorder';
import {
  admin,
  call,
  createEndpoint,
  createKey,
  eventually,
  inFlight,
  originAttempts,
  sseEvents,
} from './helpers/router';
import { expectError, type ErrorBody } from './helpers/expect-error';

const chat = (token: string, json: unknown, init: RequestInit = {}) =>
  call('/v1/chat/completions', { method: 'POST', token, json, ...init });
const hello = [{ role: 'user', content: 'hello' }];

describe('inference errors (OpenAI shape)', () => {
  it('401 for a missing, malformed or unknown key', async () => {
    await createEndpoint('auth-target');
    await expectError(
      await call('/v1/chat/completions', { method: 'POST', json: { model: 'auth-target', messages: hello } }),
      401,
      {
        message: "Missing API key: send an endpoint API key as 'Authorization: Bearer <key>'",
        type: 'authentication_error',
      },
    );
    await expectError(await chat('sk-rt-not-a-real-key', { model: 'auth-target', messages: hello }), 401, {
      message: 'Invalid API key',
    });
    await expectError(await call('/v1/models', { headers: { authorization: 'Basic abc' } }), 401, {
      code: 'invalid_authorization_header',
    });
  });

  it('401 on the very next request after revocation', async () => {
    await createEndpoint('revoke-target');
    const { id, key } = await createKey();
    expect((await chat(key, { model: 'revoke-target', messages: hello })).status).toBe(200);
    await admin('POST', `/keys/${id}/revoke`);
    await expectError(await chat(key, { model: 'revoke-target', messages: hello }), 401, {
      message: 'Invalid API key',
    });
  });

  it('the gate refuses a revoked key even when an isolate still caches it as active', async () => {
    await createEndpoint('revoke-gate');
    const { id, key } = await createKey();
    expect((await chat(key, { model: 'revoke-gate', messages: hello })).status).toBe(200);
    // Revoke as another isolate would: in D1 and at the gate, without touching this isolate's cache.
    await env.DB.prepare("UPDATE api_keys SET status = 'revoked' WHERE id = ?").bind(id).run();
    const hash = await env.DB.prepare('SELECT hash FROM api_keys WHERE id = ?').bind(id).first<string>('hash');
    await env.GATE.getByName(hash!).revoke();
    // The lease the first request held may pass to requests on the key in this isolate for LEASE_REUSE_MS (250 ms)
    // after the gate granted it (src/gate/release-batch.ts); past that, the next request asks the gate.
    await new Promise((r) => setTimeout(r, 250));
    await expectError(await chat(key, { model: 'revoke-gate', messages: hello }), 401, { message: 'Invalid API key' });
  });

  it('403 when the key is not scoped to the endpoint', async () => {
    await createEndpoint('scope-a');
    await createEndpoint('scope-b');
    const { key } = await createKey({ endpoints: ['scope-a'] });
    await expectError(await chat(key, { model: 'scope-b', messages: hello }), 403, {
      type: 'permission_error',
      code: 'endpoint_not_allowed',
    });
    const scopedUrl = await call('/endpoints/scope-b/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: { messages: hello },
    });
    await expectError(scopedUrl, 403, { code: 'endpoint_not_allowed' });
  });

  it('404 for an unknown model', async () => {
    const { key } = await createKey();
    await expectError(await chat(key, { model: 'no-such-endpoint', messages: hello }), 404, {
      param: 'model',
      code: 'model_not_found',
    });
  });

  it('404 without a lookup for a model that cannot be an endpoint name; the message shows at most 100 characters of it', async () => {
    const { key } = await createKey();
    const lookup = vi.spyOn(EndpointStore.prototype, 'get');
    const listing = vi.spyOn(EndpointStore.prototype, 'modelsFor');
    try {
      const huge = 'm'.repeat(3_000_000);
      const res = await chat(key, { model: huge, messages: hello });
      await expectError(res, 404, {
        param: 'model',
        code: 'model_not_found',
        message: `The model '${'m'.repeat(100)}…' does not exist`,
      });
      for (const model of ['has space', 'a/b', '-leading-dash', 'm'.repeat(65)]) {
        await expectError(await chat(key, { model, messages: hello }), 404, { code: 'model_not_found' });
      }
      const path = `/endpoints/${'p'.repeat(200)}/v1/chat/completions`;
      await expectError(await call(path, { method: 'POST', token: key, json: { messages: hello } }), 404, {
        message: `The model '${'p'.repeat(100)}…' does not exist`,
      });
      await expectError(await call(`/endpoints/${'p'.repeat(200)}/v1/models`, { token: key }), 404, {
        code: 'model_not_found',
      });
      await recorder.flush(env); // the refusals' metrics, which look up the endpoint they name
      expect(lookup).not.toHaveBeenCalled();
      expect(listing).not.toHaveBeenCalled();
      // A name that can be one is looked up, and its 404 quoted whole.
      await expectError(await chat(key, { model: 'm'.repeat(64), messages: hello }), 404, {
        message: `The model '${'m'.repeat(64)}' does not exist`,
      });
      expect(lookup).toHaveBeenCalledWith('m'.repeat(64));
    } finally {
      lookup.mockRestore();
      listing.mockRestore();
    }
  });

  it('400 names the invalid field', async () => {
    await createEndpoint('validation');
    const { key } = await createKey();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ messages: hello }, 'model'],
      [{ model: 'validation' }, 'messages'],
      [{ model: 'validation', messages: [] }, 'messages'],
      [{ model: 'validation', messages: [{ role: 'wizard', content: 'x' }] }, 'messages.0.role'],
      [{ model: 'validation', messages: hello, temperature: 5 }, 'temperature'],
      [{ model: 'validation', messages: hello, top_p: 0 }, 'top_p'],
      [{ model: 'validation', messages: hello, max_tokens: 0 }, 'max_tokens'],
      [{ model: 'validation', messages: hello, stream: 'yes' }, 'stream'],
      [{ model: 'validation', messages: hello, stream_options: { include_usage: true } }, 'stream_options'],
    ];
    for (const [json, param] of cases) {
      const body = await expectError(await chat(key, json), 400, { type: 'invalid_request_error', param });
      expect(body.error.message).toContain(param);
    }
    await expectError(await chat(key, undefined, { body: 'not json' }), 400, { code: 'invalid_json' });
    await expectError(await chat(key, [1, 2]), 400, { code: 'invalid_body' });
    await expectError(
      await call('/v1/completions', { method: 'POST', token: key, json: { model: 'validation' } }),
      400,
      { param: 'prompt' },
    );
    await expectError(
      await call('/v1/embeddings', { method: 'POST', token: key, json: { model: 'validation', input: 3 } }),
      400,
      { param: 'input' },
    );
  });

  it('400 with several problems keeps the protocols’ exact shapes: no `issues` (that is the admin API’s)', async () => {
    await createEndpoint('many-problems');
    const { key } = await createKey();
    const json = { model: 'many-problems', messages: [{ role: 'wizard', content: 'x' }], temperature: 5, top_p: 0 };
    const body = await expectError(await chat(key, json), 400, { code: 'invalid_body', param: 'temperature' });
    expect(body.error).not.toHaveProperty('issues');
    const scoped = await call('/endpoints/many-problems/v1/chat/completions', { method: 'POST', token: key, json });
    expect((await expectError(scoped, 400, { code: 'invalid_body' })).error).not.toHaveProperty('issues');
    const anthropic = await call('/v1/messages', {
      method: 'POST',
      token: key,
      json: { model: 'many-problems', max_tokens: 0, messages: [{ role: 'wizard', content: 'x' }] },
    });
    expect(anthropic.status).toBe(400);
    const anthropicBody = (await anthropic.json()) as { error: Record<string, unknown> };
    expect(Object.keys(anthropicBody).sort()).toEqual(['error', 'type']);
    expect(Object.keys(anthropicBody.error).sort()).toEqual(['message', 'type']);
    const tgi = await call('/generate', {
      method: 'POST',
      token: key,
      json: { model: 'many-problems', inputs: 'x', parameters: { temperature: -1, top_p: 7 } },
    });
    expect(tgi.status).toBe(422);
    expect(Object.keys((await tgi.json()) as object).sort()).toEqual(['error', 'error_type']);
  });

  it('400 for a number too large to represent (1e999 parses as Infinity): says so, not "expected number, got number"', async () => {
    await createEndpoint('infinite');
    const { key } = await createKey();
    const body =
      '{"model":"infinite","messages":[{"role":"user","content":"hi"}],"temperature":1e999,"max_tokens":-1e999}';
    const res = await expectError(await chat(key, undefined, { body }), 400, {
      code: 'invalid_body',
      param: 'temperature',
    });
    expect(res.error.message).toBe("Invalid 'temperature': expected number, got a number too large to represent");
    const tokens = '{"model":"infinite","messages":[{"role":"user","content":"hi"}],"max_tokens":-1e999}';
    await expectError(await chat(key, undefined, { body: tokens }), 400, {
      param: 'max_tokens',
      message: "Invalid 'max_tokens': expected integer, got a number too large to represent",
    });
  });

  it('400 for a body nested deeper than 64 levels, in the route protocol, with or without a token budget', async () => {
    await createEndpoint('nesting');
    const plain = (await createKey()).key;
    const budgeted = (await createKey({ token_budget: { tokens: 100_000, renewal_period: 'minute' } })).key;
    // An unknown field passes the loose schemas: 100,000 levels (200 KB) went on to JSON.stringify (relay, token estimate).
    const nested = (levels: number, body: Record<string, unknown>) =>
      JSON.stringify(body).replace(/}$/, `,"x":${'['.repeat(levels)}${']'.repeat(levels)}}`);
    const message = 'Request body is nested too deeply: at most 64 levels of arrays and objects are allowed';
    for (const key of [plain, budgeted]) {
      const res = await chat(key, undefined, { body: nested(100_000, { model: 'nesting', messages: hello }) });
      await expectError(res, 400, { code: 'invalid_json', type: 'invalid_request_error', message });
    }
    // The body object is the first level: 63 more levels are within the limit, 64 more are not.
    expect((await chat(plain, undefined, { body: nested(63, { model: 'nesting', messages: hello }) })).status).toBe(
      200,
    );
    await expectError(await chat(plain, undefined, { body: nested(64, { model: 'nesting', messages: hello }) }), 400, {
      message,
    });
    // Strings do not count, whatever they hold.
    const text = [{ role: 'user', content: '[{'.repeat(1_000) }];
    expect((await chat(plain, { model: 'nesting', messages: text })).status).toBe(200);

    const anthropic = await call('/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': plain, 'content-type': 'application/json' },
      body: nested(1_000, { model: 'nesting', max_tokens: 5, messages: hello }),
    });
    expect(anthropic.status).toBe(400);
    expect(await anthropic.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message } });
    const tgi = await call('/generate', {
      method: 'POST',
      token: plain,
      headers: { 'content-type': 'application/json' },
      body: nested(1_000, { model: 'nesting', inputs: 'hi' }),
    });
    expect(tgi.status).toBe(400);
    expect(await tgi.json()).toEqual({ error: message, error_type: 'validation' });
  });

  it('400 for a body with 100,000s of invalid values, in the route protocol, naming the first (not a 500)', async () => {
    await createEndpoint('many-invalid');
    const { key } = await createKey();
    // 1.5 MB of messages with two problems each: zod's issue list overflowed the stack (an "Internal error" 500).
    const messages = Array.from({ length: 100_000 }, () => ({ role: 'robot', content: 5 }));
    const body = await expectError(await chat(key, { model: 'many-invalid', messages }), 400, {
      code: 'invalid_body',
      param: 'messages.0.role',
    });
    expect(body.error.message).toBe(
      "Invalid 'messages.0.role': unknown value 'robot', expected one of 'system', 'developer', 'user', 'assistant', 'tool', 'function'",
    );
    const stops = Array.from({ length: 200_000 }, () => 0);
    const anthropic = await call('/v1/messages', {
      method: 'POST',
      token: key,
      json: { model: 'many-invalid', max_tokens: 5, messages: hello, stop_sequences: stops },
    });
    expect(anthropic.status).toBe(400);
    expect(await anthropic.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: "Invalid 'stop_sequences.0': expected string, got number" },
    });
    const tgi = await call('/endpoints/many-invalid/generate', {
      method: 'POST',
      token: key,
      json: { inputs: 'hi', parameters: { stop: stops } },
    });
    expect(tgi.status).toBe(422);
    expect(await tgi.json()).toEqual({
      error: 'Failed to deserialize the JSON body into the target type: parameters.stop.0: expected string, got number',
      error_type: 'validation',
    });
    // Valid items first, the invalid ones after them: still a 400 that says what is wrong.
    const late = [
      ...Array.from({ length: 100 }, () => hello[0]),
      ...Array.from({ length: 100_000 }, () => ({ role: 'robot', content: 5 })),
    ];
    const lateBody = await expectError(await chat(key, { model: 'many-invalid', messages: late }), 400, {
      code: 'invalid_body',
      param: null,
    });
    expect(lateBody.error.message).toBe(
      'Invalid request body: it holds too many invalid values to name one (the first 100 items of each array are valid); check the items after them',
    );
  });

  it('413 for a body over the limit, declared or streamed', async () => {
    const { key } = await createKey();
    const limit = Number(env.MAX_BODY_BYTES);
    const big = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'a'.repeat(limit) }] });
    await expectError(await chat(key, undefined, { body: big }), 413, { code: 'request_too_large' });
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    await expectError(await chat(key, undefined, { body: chunked, duplex: 'half' } as RequestInit), 413, {
      code: 'request_too_large',
    });
  });

  it('503 while the endpoint is stopped; start serves again', async () => {
    await createEndpoint('stoppable');
    const { key } = await createKey();
    await admin('POST', '/endpoints/stoppable/stop');
    const res = await chat(key, { model: 'stoppable', messages: hello });
    await expectError(res, 503, { code: 'endpoint_stopped' });
    expect(res.headers.get('retry-after')).toBeTruthy();
    await admin('POST', '/endpoints/stoppable/start');
    expect((await chat(key, { model: 'stoppable', messages: hello })).status).toBe(200);
  });

  it('429 with the exact message and Retry-After once the key is at its limit', async () => {
    await createEndpoint('busy', { mode: 'slow/100' });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const first = await chat(key, { model: 'busy', messages: hello, stream: true });
    expect(first.status).toBe(200);
    const refused = await chat(key, { model: 'busy', messages: hello });
    await expectError(refused, 429, { message: CONCURRENCY_MESSAGE, type: 'rate_limit_error' });
    expect(refused.headers.get('retry-after')).toBe('1');
    await first.text();
    await eventually(async () => expect(await inFlight(id)).toBe(0));
    expect((await chat(key, { model: 'busy', messages: hello })).status).toBe(200);
  });

  it('502 when the only origin fails, one attempt each (a 500 is not retried), never 503 however often; the slot comes back', async () => {
    await createEndpoint('broken', { mode: 'error500' });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    for (let i = 0; i < 8; i++) {
      const requestId = `broken-${crypto.randomUUID()}`;
      const res = await chat(
        key,
        { model: 'broken', messages: hello, stream: i % 2 === 1 },
        { headers: { 'x-request-id': requestId } },
      );
      const body = await expectError(res, 502, { type: 'server_error', code: 'origin_error' });
      expect(body.error.message).toContain('HTTP 500');
      expect(await originAttempts(requestId)).toHaveLength(1);
    }
    // Ejected in this isolate by now, but the only origin: routed anyway (panic mode), and nothing marked down in D1.
    expect(await inFlight(id)).toBe(0);
    const marks = await env.DB.prepare('SELECT COUNT(*) AS n FROM origin_health WHERE url LIKE ?')
      .bind('%/mode/error500')
      .first<number>('n');
    expect(marks).toBe(0);
  });

  it('502 when no origin can be reached', async () => {
    const res = await admin('POST', '/endpoints', {
      name: 'unreachable',
      served_entities: [{ name: 'x', protocol: 'openai', model: 'm', origins: [{ url: 'http://127.0.0.1:9' }] }],
    });
    expect(res.status).toBe(201);
    const { key } = await createKey();
    await expectError(await chat(key, { model: 'unreachable', messages: hello }), 502, { code: 'origin_unreachable' });
  });

  it('504 when the origin stalls before the first byte, and the slot comes back', async () => {
    await createEndpoint('stalled', { mode: 'stall', body: { timeouts: { first_byte_ms: 300, total_ms: 300 } } });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    await expectError(await chat(key, { model: 'stalled', messages: hello }), 504, { code: 'origin_timeout' });
    await expectError(await chat(key, { model: 'stalled', messages: hello, stream: true }), 504, {
      code: 'origin_timeout',
    });
    expect(await inFlight(id)).toBe(0);
  });

  it('an origin that goes silent mid-stream yields an error event, not a clean end', async () => {
    await createEndpoint('idle', { mode: 'stall/2', body: { timeouts: { idle_ms: 300 } } });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const events = await sseEvents(await chat(key, { model: 'idle', messages: hello, stream: true }));
    const error = events
      .map((e) => (e === '[DONE]' ? {} : JSON.parse(e)))
      .find((e: { error?: unknown }) => e.error) as ErrorBody;
    expect(error.error).toMatchObject({ code: 'origin_timeout' });
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('an origin that drops mid-stream yields an error event', async () => {
    await createEndpoint('dropping', { mode: 'drop/2' });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const events = await sseEvents(await chat(key, { model: 'dropping', messages: hello, stream: true }));
    const last = events.filter((e) => e !== '[DONE]').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ error: { type: 'server_error' } });
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('an in-stream origin error is relayed as an OpenAI error event', async () => {
    await createEndpoint('instream', { mode: 'instream-error/2' });
    const { key } = await createKey();
    const events = await sseEvents(await chat(key, { model: 'instream', messages: hello, stream: true }));
    const errors = events.filter((e) => e.startsWith('{"error"'));
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0]!)).toMatchObject({ error: { code: 'origin_error' } });
  });

  it('origin validation errors keep their status and message', async () => {
    await createEndpoint('origin-400');
    const { key } = await createKey();
    // Passes the router's checks, but vLLM refuses min_p outside [0, 1].
    const res = await chat(key, { model: 'origin-400', messages: hello, min_p: 7 });
    const body = await expectError(res, 400, { code: 'origin_rejected_request' });
    expect(body.error.message.toLowerCase()).toContain('min_p');
  });

  it('unknown routes answer JSON 404', async () => {
    const res = await call('/nope');
    await expectError(res, 404, { code: 'route_not_found' });
  });
});
