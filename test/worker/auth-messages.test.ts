// Auth errors say what to fix, each case its own message, without saying whether a key exists:
// on the inference API (OpenAI shape on /v1, TGI shape on the generate routes) and the admin API.

import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createEndpoint, createKey } from './helpers/router';

interface Expected {
  status: number;
  code: string;
  message: string | RegExp;
}

const MISSING_KEY = "Missing API key: send an endpoint API key as 'Authorization: Bearer <key>'";
const MISSING_ADMIN = "Missing admin token: send the ADMIN_TOKEN or a platform key as 'Authorization: Bearer <key>'";

/** The error of a response in either shape: OpenAI's `{error:{message,code}}` or TGI's `{error, error_type}`. */
async function errorOf(res: Response): Promise<{ status: number; message: string; code: string | null }> {
  const body = (await res.json()) as { error: string | { message: string; code: string | null }; error_type?: string };
  return typeof body.error === 'string'
    ? { status: res.status, message: body.error, code: null }
    : { status: res.status, message: body.error.message, code: body.error.code };
}

describe('auth error messages', async () => {
  await createEndpoint('auth-msg');
  const endpointKey = (await createKey({ endpoints: ['auth-msg'] })).key;
  const platformKey = (await createKey({ kind: 'platform', role: 'member' })).key;

  const inference: Array<[string, Record<string, string>, Expected]> = [
    ['no Authorization header', {}, { status: 401, code: 'missing_api_key', message: MISSING_KEY }],
    [
      'an empty Authorization header',
      { authorization: '  ' },
      { status: 401, code: 'missing_api_key', message: MISSING_KEY },
    ],
    [
      'a Basic scheme',
      { authorization: 'Basic dXNlcjpwYXNz' },
      {
        status: 401,
        code: 'invalid_authorization_header',
        message:
          "The Authorization header must use the Bearer scheme, not 'Basic': send an endpoint API key as 'Authorization: Bearer <key>'",
      },
    ],
    [
      'a bare key without a scheme',
      { authorization: 'sk-rt-abc' },
      {
        status: 401,
        code: 'invalid_authorization_header',
        message:
          "The Authorization header must use the Bearer scheme: send an endpoint API key as 'Authorization: Bearer <key>'",
      },
    ],
    [
      'Bearer and no key',
      { authorization: 'Bearer' },
      {
        status: 401,
        code: 'invalid_authorization_header',
        message:
          "The Authorization header has no key after 'Bearer': send an endpoint API key as 'Authorization: Bearer <key>'",
      },
    ],
    [
      'Bearer and a key with more after it',
      { authorization: 'Bearer sk-rt-abc extra' },
      {
        status: 401,
        code: 'invalid_authorization_header',
        message:
          "The Authorization header has more than the key after 'Bearer' (a key has no spaces): send an endpoint API key as 'Authorization: Bearer <key>'",
      },
    ],
    [
      // Two Authorization headers reach the worker as one, their values joined by ', '.
      'the Authorization header sent twice',
      { authorization: 'Bearer sk-rt-abc, Bearer sk-rt-abc' },
      {
        status: 401,
        code: 'invalid_authorization_header',
        message:
          "The Authorization header holds more than one value (was it sent twice?): send an endpoint API key as 'Authorization: Bearer <key>'",
      },
    ],
    [
      'an x-api-key holding Bearer and the key',
      { 'x-api-key': 'Bearer sk-rt-abc' },
      {
        status: 401,
        code: 'invalid_api_key_header',
        message:
          "The x-api-key header holds 'Bearer' and a key: send the key alone as 'x-api-key: <key>', or as 'Authorization: Bearer <key>'",
      },
    ],
    [
      'the x-api-key header sent twice',
      { 'x-api-key': 'sk-rt-abc, sk-rt-abc' },
      {
        status: 401,
        code: 'invalid_api_key_header',
        message:
          "The x-api-key header holds more than one value (was it sent twice?): send one key as 'x-api-key: <key>'",
      },
    ],
    [
      'an unknown key',
      { authorization: 'Bearer sk-rt-not-a-real-key' },
      { status: 401, code: 'invalid_api_key', message: 'Invalid API key' },
    ],
    [
      'the admin token',
      { authorization: `Bearer ${ADMIN_TOKEN}` },
      {
        status: 403,
        code: 'admin_token_on_inference_api',
        message: 'The admin token is for the admin API (/admin/v1); call the inference API with an endpoint key',
      },
    ],
    [
      'a platform key',
      { authorization: `Bearer ${platformKey}` },
      {
        status: 403,
        code: 'platform_key_on_inference_api',
        message: /^Platform keys are for the admin API/,
      },
    ],
  ];

  it.each(inference)('/v1 with %s', async (_label, headers, expected) => {
    const res = await call('/v1/chat/completions', {
      method: 'POST',
      headers,
      json: { model: 'auth-msg', messages: [{ role: 'user', content: 'hi' }] },
    });
    const err = await errorOf(res);
    expect(err).toMatchObject({ status: expected.status, code: expected.code });
    expect(err.message).toMatch(
      typeof expected.message === 'string' ? new RegExp(`^${escape(expected.message)}$`) : expected.message,
    );
  });

  it.each(inference)('TGI /generate with %s (same message, TGI shape)', async (_label, headers, expected) => {
    const res = await call('/generate', { method: 'POST', headers, json: { model: 'auth-msg', inputs: 'hi' } });
    const err = await errorOf(res);
    expect(err.status).toBe(expected.status);
    expect(err.message).toMatch(
      typeof expected.message === 'string' ? new RegExp(`^${escape(expected.message)}$`) : expected.message,
    );
  });

  const adminCases: Array<[string, Record<string, string>, Expected]> = [
    ['no Authorization header', {}, { status: 401, code: 'missing_admin_token', message: MISSING_ADMIN }],
    [
      'a Basic scheme',
      { authorization: 'Basic YWRtaW46eA==' },
      {
        status: 401,
        code: 'invalid_authorization_header',
        message:
          "The Authorization header must use the Bearer scheme, not 'Basic': send the ADMIN_TOKEN or a platform key as 'Authorization: Bearer <key>'",
      },
    ],
    [
      'an unknown token',
      { authorization: 'Bearer not-the-token' },
      { status: 401, code: 'invalid_admin_token', message: 'Invalid admin token' },
    ],
    [
      'an endpoint key',
      { authorization: `Bearer ${endpointKey}` },
      {
        status: 403,
        code: 'endpoint_key_on_admin_api',
        message: /^Endpoint keys can only call the inference API/,
      },
    ],
  ];

  it.each(adminCases)('admin API with %s', async (_label, headers, expected) => {
    const err = await errorOf(await call('/admin/v1/endpoints', { headers }));
    expect(err).toMatchObject({ status: expected.status, code: expected.code });
    expect(err.message).toMatch(
      typeof expected.message === 'string' ? new RegExp(`^${escape(expected.message)}$`) : expected.message,
    );
  });

  it('still lets the right credentials in, whatever the case of "Bearer"', async () => {
    const ok = await call('/v1/models', { headers: { authorization: `bearer ${endpointKey}` } });
    expect(ok.status).toBe(200);
    expect((await call('/admin/v1/endpoints', { headers: { authorization: `BEARER ${ADMIN_TOKEN}` } })).status).toBe(
      200,
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
