// A client's mistake is a 4xx of the client's protocol, never a 5xx: an operation the
// endpoint's origin does not serve, an origin refusing the request, a wrong method on a
// known route (405 with Allow). The answer names the endpoint, never the origin's model id or URL.

import { describe, expect, it } from 'vitest';
import { CHAT_MODEL, call, createEndpoint, createKey, originStats, originUrl } from './helpers/router';
import { expectError } from './helpers/expect-error';

const hello = [{ role: 'user', content: 'hello' }];

describe('origin 4xx answers become the client protocol 4xx, in terms of the endpoint', () => {
  it('embeddings on a chat-only endpoint: 400 unsupported_operation, sent once, without the model id or origin URL', async () => {
    await createEndpoint('chat-only');
    const { key } = await createKey();
    const before = (await originStats()).requests;
    const res = await call('/v1/embeddings', { method: 'POST', token: key, json: { model: 'chat-only', input: 'hi' } });
    const body = await expectError(res, 400, {
      type: 'invalid_request_error',
      code: 'unsupported_operation',
      param: 'model',
    });
    expect(body.error.message).toBe(
      "Endpoint 'chat-only' does not serve embeddings requests (its origin has no such model or route)",
    );
    expect(body.error.message).not.toContain(CHAT_MODEL);
    expect(body.error.message).not.toContain(originUrl());
    // A 4xx is not retried on another attempt (5xx would be, up to three times).
    expect((await originStats()).requests - before).toBe(1);
  });

  it("an origin that does not know the model: 400 on /v1, TGI's 422 on the generate routes", async () => {
    await createEndpoint('wrong-model', { model: 'org/not-served-by-the-origin' });
    const { key } = await createKey();
    const chat = await expectError(
      await call('/v1/chat/completions', {
        method: 'POST',
        token: key,
        json: { model: 'wrong-model', messages: hello },
      }),
      400,
      { code: 'unsupported_operation' },
    );
    expect(chat.error.message).toBe(
      "Endpoint 'wrong-model' does not serve chat completions requests (its origin has no such model or route)",
    );
    const tgi = await call('/generate', { method: 'POST', token: key, json: { model: 'wrong-model', inputs: 'hi' } });
    expect(tgi.status).toBe(422);
    const tgiBody = (await tgi.json()) as { error: string; error_type: string };
    expect(tgiBody).toEqual({
      error: "Endpoint 'wrong-model' does not serve generate requests (its origin has no such model or route)",
      error_type: 'validation',
    });
  });

  it('names the operation the client called: Responses, Messages and TEI embed too', async () => {
    await createEndpoint('wrong-model-ops', { model: 'org/not-served-by-the-origin' });
    await createEndpoint('chat-only-embed');
    const { key } = await createKey();
    const notServed = (endpoint: string, operation: string) =>
      `Endpoint '${endpoint}' does not serve ${operation} requests (its origin has no such model or route)`;
    await expectError(
      await call('/v1/responses', { method: 'POST', token: key, json: { model: 'wrong-model-ops', input: 'hi' } }),
      400,
      { code: 'unsupported_operation', message: notServed('wrong-model-ops', 'Responses API') },
    );
    const messages = await call('/v1/messages', {
      method: 'POST',
      token: key,
      json: { model: 'wrong-model-ops', max_tokens: 5, messages: hello },
    });
    expect(messages.status).toBe(400);
    expect(await messages.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: notServed('wrong-model-ops', 'Messages API') },
    });
    const embed = await call('/endpoints/chat-only-embed/embed', {
      method: 'POST',
      token: key,
      json: { inputs: 'hi' },
    });
    expect(embed.status).toBe(400);
    expect(await embed.json()).toEqual({ error: notServed('chat-only-embed', 'embed'), error_type: 'Validation' });
  });

  it("an origin's 400 keeps its status and message, with the origin's model id replaced by the endpoint name", async () => {
    await createEndpoint('dims');
    await createEndpoint('dims-embed', { model: 'BAAI/bge-small-en-v1.5' });
    const { key } = await createKey();
    // The emulator (as vLLM) names its model in this refusal.
    const res = await call('/v1/embeddings', {
      method: 'POST',
      token: key,
      json: { model: 'dims-embed', input: 'hi', dimensions: 4 },
    });
    const body = await expectError(res, 400, { code: 'origin_rejected_request' });
    expect(body.error.message).toContain('Model "dims-embed" does not support matryoshka representation');
    expect(body.error.message).not.toContain('BAAI/bge-small-en-v1.5');
  });
});

describe('405 for a wrong method on a known route', () => {
  it('answers 405 with Allow on /v1, the admin API and TGI routes; 404 stays for unknown paths', async () => {
    const { key } = await createKey();
    const chat = await call('/v1/chat/completions', { token: key });
    await expectError(chat, 405, {
      code: 'method_not_allowed',
      message: 'Method GET is not allowed on /v1/chat/completions; use POST',
    });
    expect(chat.headers.get('allow')).toBe('POST');

    const models = await call('/v1/models', { method: 'POST', token: key, json: {} });
    expect(models.status).toBe(405);
    expect(models.headers.get('allow')).toBe('GET, HEAD');

    const keys = await call('/admin/v1/keys', { method: 'DELETE', token: 'test-admin-token' });
    await expectError(keys, 405, { code: 'method_not_allowed' });
    expect(keys.headers.get('allow')).toBe('GET, POST, HEAD');

    const generate = await call('/generate', { token: key });
    expect(generate.status).toBe(405);
    expect(generate.headers.get('allow')).toBe('POST');
    expect(await generate.json()).toMatchObject({ error: 'Method GET is not allowed on /generate; use POST' });

    await expectError(await call('/v1/nothing-here', { token: key }), 404, { code: 'route_not_found' });
  });

  it('answers 405 with Allow on / (the console page, GET only), not 404', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await call('/', { method });
      await expectError(res, 405, {
        code: 'method_not_allowed',
        message: `Method ${method} is not allowed on /; use GET`,
      });
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
    // No path at all past the root is still a plain 404.
    await expectError(await call('//', { method: 'POST' }), 404, { code: 'route_not_found' });
  });

  it('a known path with a trailing slash: 404 in its protocol naming the path without it (never a 405 telling to use POST)', async () => {
    const { key } = await createKey();
    const json = { model: 'chat-only', messages: [{ role: 'user', content: 'hi' }] };
    for (const method of ['POST', 'GET']) {
      const res = await call('/v1/chat/completions/', { method, token: key, ...(method === 'POST' ? { json } : {}) });
      await expectError(res, 404, {
        code: 'route_not_found',
        message: `No route for ${method} /v1/chat/completions/: the path is /v1/chat/completions, without the trailing slash`,
      });
      expect(res.headers.get('allow')).toBeNull();
    }
    await expectError(await call('/endpoints/chat-only/v1/embeddings/', { method: 'POST', token: key, json }), 404, {
      message: expect.stringContaining('the path is /endpoints/chat-only/v1/embeddings, without the trailing slash'),
    });
    await expectError(await call('/admin/v1/keys/', { token: 'test-admin-token' }), 404, {
      message: 'No route for GET /admin/v1/keys/: the path is /admin/v1/keys, without the trailing slash',
    });
    const messages = await call('/v1/messages/', { method: 'POST', token: key, json });
    expect(messages.status).toBe(404);
    expect(await messages.json()).toEqual({
      type: 'error',
      error: {
        type: 'not_found_error',
        message: 'No route for POST /v1/messages/: the path is /v1/messages, without the trailing slash',
      },
    });
    const generate = await call('/generate/', { method: 'POST', token: key, json: { inputs: 'hi' } });
    expect(generate.status).toBe(404);
    expect(await generate.json()).toMatchObject({
      error: 'No route for POST /generate/: the path is /generate, without the trailing slash',
    });
    await expectError(await call('/v1/nothing-here/', { method: 'POST', token: key }), 404, {
      message: 'No route for POST /v1/nothing-here/',
    });
  });

  it('a known path with a doubled slash (a base URL ending in /): 404 in its protocol naming the path', async () => {
    const { key } = await createKey();
    const json = { model: 'chat-only', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 };
    const messages = await call('//v1/messages', { method: 'POST', token: key, json });
    expect(messages.status).toBe(404);
    expect(await messages.json()).toEqual({
      type: 'error',
      error: {
        type: 'not_found_error',
        message: 'No route for POST //v1/messages: the path is /v1/messages, with single slashes',
      },
    });
    await expectError(await call('/v1//chat/completions', { method: 'POST', token: key, json }), 404, {
      code: 'route_not_found',
      message: 'No route for POST /v1//chat/completions: the path is /v1/chat/completions, with single slashes',
    });
    const generate = await call('//generate', { method: 'POST', token: key, json: { inputs: 'hi' } });
    expect(generate.status).toBe(404);
    expect(await generate.json()).toMatchObject({ error: expect.stringContaining('the path is /generate') });
  });

  it('an unknown path under a known route answers in that route’s protocol (Anthropic’s count_tokens, batches)', async () => {
    const { key } = await createKey();
    for (const path of ['/v1/messages/count_tokens', '/v1/messages/batches', '/endpoints/chat-only/v1/messages/x']) {
      const res = await call(path, { method: 'POST', token: key, json: {} });
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual({
        type: 'error',
        error: { type: 'not_found_error', message: `No route for POST ${path}` },
      });
    }
    const tgi = await call('/generate_stream/more', { method: 'POST', token: key, json: { inputs: 'hi' } });
    expect(tgi.status).toBe(404);
    expect(await tgi.json()).toMatchObject({ error: 'No route for POST /generate_stream/more' });
    await expectError(await call('/v1/chat/completions/more', { method: 'POST', token: key }), 404, {
      code: 'route_not_found',
      message: 'No route for POST /v1/chat/completions/more',
    });
  });
});
