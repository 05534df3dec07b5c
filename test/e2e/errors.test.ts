// Every error class the router answers with, as the openai SDK raises it: the right
// error class, status, message, param and headers. Mid-stream failures must surface as
// an APIError while iterating, never as a clean end.

import OpenAI, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHAT_MODEL,
  CONCURRENCY_MESSAGE,
  admin,
  createEndpoint,
  createKey,
  inFlight,
  eventually,
  newRequestId,
  openai,
  recordedWithId,
  rejectionOf,
  userMessage,
} from './helpers.ts';

let okEp: string;
let client: OpenAI;

beforeAll(async () => {
  okEp = (await createEndpoint('err-ok')).name;
  client = openai((await createKey(null)).key);
});

const hello = (model: string) => ({ model, messages: userMessage('Hello') });

/** Reads a stream to its end; returns the chunks read and the error that ended it, if any. */
async function drain<T>(stream: AsyncIterable<T>): Promise<{ chunks: T[]; error: unknown }> {
  const chunks: T[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: null };
}

describe('authentication (401)', () => {
  it('refuses an unknown key', async () => {
    const err = await rejectionOf(openai('sk-not-a-real-key').chat.completions.create(hello(okEp)));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as APIError).status).toBe(401);
    expect((err as APIError).message).toBe('401 Invalid API key');
  });

  it('refuses a request without a key on every inference route', async () => {
    const res = await fetch(`${client.baseURL}/models`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: { message: "Missing API key: send an endpoint API key as 'Authorization: Bearer <key>'" },
    });
  });

  it('refuses a revoked key on the very next request', async () => {
    const key = await createKey(null);
    const c = openai(key.key);
    await c.chat.completions.create(hello(okEp)); // the key is live (and now cached by the router)
    await admin().revokeKey(key.id);
    const err = await rejectionOf(c.chat.completions.create(hello(okEp)));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as APIError).message).toBe('401 Invalid API key');
    const again = await rejectionOf(c.models.list());
    expect(again).toBeInstanceOf(AuthenticationError);
  });
});

describe('scope (403) and unknown model (404)', () => {
  it('refuses an endpoint the key is not scoped to', async () => {
    const other = (await createEndpoint('err-other')).name;
    const scoped = openai((await createKey([other])).key);
    const err = await rejectionOf(scoped.chat.completions.create(hello(okEp)));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as APIError).status).toBe(403);
    expect((err as APIError).message).toBe(`403 This API key is not allowed to use endpoint '${okEp}'`);
    // …while the endpoint it is scoped to works.
    await expect(scoped.chat.completions.create(hello(other))).resolves.toMatchObject({ model: other });
  });

  it('refuses an unknown model', async () => {
    const err = await rejectionOf(client.chat.completions.create(hello('no-such-endpoint-e2e')));
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as APIError).status).toBe(404);
    expect((err as APIError).message).toBe("404 The model 'no-such-endpoint-e2e' does not exist");
    expect((err as APIError).param).toBe('model');
  });
});

describe('invalid requests (400) and oversized bodies (413)', () => {
  it('refuses an out-of-range temperature and names the field', async () => {
    const err = await rejectionOf(client.chat.completions.create({ ...hello(okEp), temperature: 5 }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).status).toBe(400);
    expect((err as APIError).param).toBe('temperature');
    expect((err as APIError).message).toMatch(/^400 Invalid 'temperature'/);
  });

  it('embeddings on a chat-only endpoint: BadRequestError naming the endpoint, not retried by the SDK', async () => {
    const id = newRequestId('chat-only-embed');
    // The SDK's own retry policy (2 retries of 408/409/429/5xx), as a user would have it.
    const sdk = new OpenAI({ apiKey: client.apiKey, baseURL: client.baseURL });
    const err = await rejectionOf(
      sdk.embeddings.create({ model: okEp, input: 'hi' }, { headers: { 'x-request-id': id } }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).message).toBe(
      `400 Endpoint '${okEp}' does not serve embeddings requests (its origin has no such model or route)`,
    );
    expect((err as APIError).message).not.toContain(CHAT_MODEL);
    expect(await recordedWithId(id)).toHaveLength(1);
  });

  it('refuses a wrong-typed field saying what type it wants', async () => {
    const err = await rejectionOf(
      client.chat.completions.create({ ...hello(okEp), max_tokens: '20' as unknown as number }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).message).toBe("400 Invalid 'max_tokens': expected integer, got string");
  });

  it('refuses an empty messages list and names the field', async () => {
    const err = await rejectionOf(client.chat.completions.create({ model: okEp, messages: [] }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).param).toBe('messages');
  });

  it('refuses a body over MAX_BODY_BYTES (64 KiB here) with 413, and accepts one just under it', async () => {
    const err = await rejectionOf(
      client.chat.completions.create({ model: okEp, messages: userMessage('x'.repeat(70_000)) }),
    );
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(413);
    expect((err as APIError).message).toBe('413 Request body exceeds the limit of 65536 bytes');

    const ok = await client.chat.completions.create({ model: okEp, messages: userMessage('y'.repeat(60_000)) });
    expect(ok.model).toBe(okEp);
  });
});

describe('concurrency limit (429)', () => {
  it('refuses a request over the key limit with the exact message and a retry-after header', async () => {
    const slow = (await createEndpoint('err-slow', { mode: 'slow/300' })).name;
    const key = await createKey(null, 1);
    const c = openai(key.key);
    const holding = await c.chat.completions.create({ ...hello(slow), stream: true });
    try {
      const err = await rejectionOf(c.chat.completions.create(hello(okEp)));
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as APIError).status).toBe(429);
      expect((err as APIError).message).toBe(`429 ${CONCURRENCY_MESSAGE}`);
      expect((err as APIError).headers?.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      holding.controller.abort();
    }
    // The slot comes back once the held stream is gone.
    await eventually(async () => expect(await inFlight(key.id)).toBe(0));
    await expect(c.chat.completions.create(hello(okEp))).resolves.toMatchObject({ model: okEp });
  });
});

describe('stopped endpoint (503)', () => {
  it('refuses while stopped and serves again after start', async () => {
    const ep = (await createEndpoint('err-stop')).name;
    await expect(client.chat.completions.create(hello(ep))).resolves.toMatchObject({ model: ep });
    await admin().stopEndpoint(ep);
    const err = await rejectionOf(client.chat.completions.create(hello(ep)));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(503);
    expect((err as APIError).message).toMatch(/^503 Endpoint '.+' is stopped/);
    expect((err as APIError).headers?.get('retry-after')).toMatch(/^\d+$/);
    await admin().startEndpoint(ep);
    await expect(client.chat.completions.create(hello(ep))).resolves.toMatchObject({ model: ep });
  });
});

describe('origin failures (502, 504)', () => {
  it('maps an origin 500 to 502', async () => {
    const ep = (await createEndpoint('err-500', { mode: 'error500' })).name;
    const err = await rejectionOf(client.chat.completions.create(hello(ep)));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(502);
    expect((err as APIError).message).toMatch(/^502 The origin answered HTTP 500/);
  });

  it('maps an origin 500 on a streaming request to 502 before any stream starts', async () => {
    // Another origin URL than the test above: its failures have ejected that one (the next request there gets 503).
    const ep = (await createEndpoint('err-500s', { mode: 'error500/2' })).name;
    const err = await rejectionOf(client.chat.completions.create({ ...hello(ep), stream: true }));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(502);
  });

  it('maps an origin that resets the connection to 502', async () => {
    const ep = (await createEndpoint('err-reset', { mode: 'reset' })).name;
    const err = await rejectionOf(client.chat.completions.create(hello(ep)));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(502);
  });

  it('answers 504 when a stalled origin passes the endpoint timeout', async () => {
    const ep = (await createEndpoint('err-stall', { mode: 'stall', timeouts: { first_byte_ms: 1000, total_ms: 1000 } }))
      .name;
    const err = await rejectionOf(client.chat.completions.create(hello(ep)));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(504);
    expect((err as APIError).message).toMatch(/^504 .*did not answer within 1000 ms/);
  });

  it('ends a stream that stalls mid-way with an error event (timeout)', async () => {
    const ep = (
      await createEndpoint('err-stall-s', {
        mode: 'stall/2',
        timeouts: { first_byte_ms: 1000, idle_ms: 1000, total_ms: 5000 },
      })
    ).name;
    const stream = await client.chat.completions.create({ ...hello(ep), stream: true });
    const { chunks, error } = await drain(stream);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBeUndefined();
    expect((error as APIError).message).toMatch(/timeout/);
    expect(chunks.length).toBeGreaterThan(0);
  });
});

describe('mid-stream failures', () => {
  it('turns an origin connection dropped mid-stream into an APIError, not a clean end', async () => {
    const ep = (await createEndpoint('err-drop', { mode: 'drop/3' })).name;
    const stream = await client.chat.completions.create({ ...hello(ep), stream: true });
    const { chunks, error } = await drain(stream);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBeUndefined();
    expect((error as APIError).message).toMatch(/mid-stream/);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    expect(chunks.some((c) => c.choices[0]?.finish_reason)).toBe(false);
  });

  it("relays an origin's in-stream error event as an APIError", async () => {
    const ep = (await createEndpoint('err-instream', { mode: 'instream-error/2' })).name;
    const stream = await client.chat.completions.create({ ...hello(ep), stream: true });
    const { chunks, error } = await drain(stream);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toMatch(/emulated failure/);
    expect(chunks.length).toBeGreaterThan(0);
  });
});
