// Browsers on other origins may call the inference APIs (keys travel in headers, never cookies): their preflights
// are answered, and every inference answer — errors too — carries Access-Control-Allow-Origin. The admin API and
// /metrics are not cross-origin. (test/browser/cors.test.ts checks the same in Chromium.)

import { beforeAll, describe, expect, it } from 'vitest';
import { call, createEndpoint, createKey, sseEvents } from './helpers/router';

const ORIGIN = 'https://app.example';
const SDK_HEADERS = 'authorization, content-type, x-stainless-os, x-stainless-retry-count, anthropic-version';

const preflight = (path: string, headers: Record<string, string> = {}) =>
  call(path, {
    method: 'OPTIONS',
    headers: {
      origin: ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': SDK_HEADERS,
      ...headers,
    },
  });

let key: string;
beforeAll(async () => {
  await createEndpoint('cors-chat');
  key = (await createKey()).key;
});

describe('cross-origin calls from browsers', () => {
  it('answers a preflight on the inference routes with what the SDKs ask for, without a key', async () => {
    for (const path of ['/v1/chat/completions', '/v1/messages', '/v1/responses', '/generate_stream', '/v1/models']) {
      const res = await preflight(path);
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')).toBe(SDK_HEADERS);
      expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
  });

  it('lets the script read answers and errors, streams included, and the router headers it needs', async () => {
    const headers = { origin: ORIGIN };
    const ok = await call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      headers,
      json: { model: 'cors-chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = ok.headers.get('access-control-expose-headers')!.split(', ');
    expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'x-served-entity', 'retry-after']));
    await ok.text();

    const stream = await call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      headers,
      json: { model: 'cors-chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true },
    });
    expect(stream.headers.get('access-control-allow-origin')).toBe('*');
    expect((await sseEvents(stream)).at(-1)).toBe('[DONE]');

    const refused = await call('/v1/chat/completions', { method: 'POST', headers, json: {} });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    const anthropic = await call('/v1/messages', { method: 'POST', headers: { ...headers, 'x-api-key': 'nope' } });
    expect(anthropic.status).toBe(401);
    expect(anthropic.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('keeps the admin API and /metrics to the router’s own origin', async () => {
    for (const path of ['/admin/v1/endpoints', '/admin/v1/keys', '/metrics']) {
      const res = await preflight(path);
      expect(res.status, path).not.toBe(204);
      expect(res.headers.get('access-control-allow-origin'), path).toBeNull();
      const get = await call(path, { headers: { origin: ORIGIN } });
      expect(get.headers.get('access-control-allow-origin'), path).toBeNull();
    }
  });

  it('an OPTIONS that is no preflight is a wrong method, as before; a header list that is no list is not echoed', async () => {
    const plain = await call('/v1/chat/completions', { method: 'OPTIONS', token: key });
    expect(plain.status).toBe(405);
    expect(plain.headers.get('allow')).toBe('POST');
    const odd = await preflight('/v1/chat/completions', { 'access-control-request-headers': 'x-a;b=<c>' });
    expect(odd.status).toBe(204);
    expect(odd.headers.get('access-control-allow-headers')).toBeNull();
  });
});
