import { describe, expect, it } from 'vitest';
import { call, createEndpoint, createKey, EMBEDDING_MODEL, originRequestWith } from './helpers/router';

// The router's rules on the Responses, Messages and embed routes, each answered in the
// route's own protocol: key scope, rate limits, endpoint defaults, timeouts.

const responses = (key: string, json: unknown) => call('/v1/responses', { method: 'POST', token: key, json });
const messages = (key: string, json: unknown) =>
  call('/v1/messages', { method: 'POST', json, headers: { 'x-api-key': key } });
const embed = (key: string, name: string, json: unknown) =>
  call(`/endpoints/${name}/embed`, { method: 'POST', token: key, json });

type Event = { type: string; [k: string]: unknown };
async function events(res: Response): Promise<Event[]> {
  return (await res.text())
    .split('\n\n')
    .filter((b) => b.startsWith('event: '))
    .map((b) => JSON.parse(b.split('\n')[1]!.slice(6)) as Event);
}

describe('key scope and rate limits, in each route’s protocol', () => {
  it('answers 403 to a key not scoped to the endpoint', async () => {
    await createEndpoint('rules-scope', { model: EMBEDDING_MODEL });
    await createEndpoint('rules-other');
    const { key } = await createKey({ endpoints: ['rules-other'] });
    const r = await responses(key, { model: 'rules-scope', input: 'hi' });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('endpoint_not_allowed');
    const m = await messages(key, { model: 'rules-scope', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    expect(m.status).toBe(403);
    expect(await m.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    const e = await embed(key, 'rules-scope', { inputs: 'hi' });
    expect(e.status).toBe(403);
    expect(await e.json()).toMatchObject({ error: expect.stringMatching(/not allowed to use endpoint 'rules-scope'/) });
  });

  it('counts the endpoint’s rate limit across the routes and refuses with 429 and Retry-After', async () => {
    await createEndpoint('rules-rate', {
      model: EMBEDDING_MODEL,
      body: { rate_limits: [{ key: 'api_key', calls: 1, renewal_period: 'minute' }] },
    });
    const a = await createKey();
    expect((await embed(a.key, 'rules-rate', { inputs: 'hi' })).status).toBe(200);
    const limited = await embed(a.key, 'rules-rate', { inputs: 'hi' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
    expect(await limited.json()).toMatchObject({
      error_type: 'Overloaded',
      error: expect.stringMatching(/^Rate limit exceeded: 1 calls per minute/),
    });

    await createEndpoint('rules-rate-chat', {
      body: { rate_limits: [{ key: 'api_key', calls: 1, renewal_period: 'minute' }] },
    });
    const b = await createKey();
    expect((await responses(b.key, { model: 'rules-rate-chat', input: 'hi' })).status).toBe(200);
    const r = await responses(b.key, { model: 'rules-rate-chat', input: 'hi' });
    expect(r.status).toBe(429);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
    const m = await messages(b.key, {
      model: 'rules-rate-chat',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(m.status).toBe(429);
    expect(await m.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });
});

describe('endpoint defaults', () => {
  it('fill what a Responses or Messages request leaves out, on the translated chat request', async () => {
    await createEndpoint('rules-defaults', {
      body: { defaults: { system_prompt: 'You are terse.', temperature: 0.25, max_tokens: 7 } },
    });
    const { key } = await createKey();
    await responses(key, { model: 'rules-defaults', input: 'hello defaults-r' });
    expect((await originRequestWith('hello defaults-r')).body).toMatchObject({
      temperature: 0.25,
      max_tokens: 7,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hello defaults-r' },
      ],
    });
    await messages(key, {
      model: 'rules-defaults',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hello defaults-m' }],
    });
    // max_tokens is required on Messages, so the request's own value stays.
    expect((await originRequestWith('hello defaults-m')).body).toMatchObject({
      temperature: 0.25,
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hello defaults-m' },
      ],
    });
    await responses(key, {
      model: 'rules-defaults',
      instructions: 'Be kind.',
      input: 'hello defaults-own',
      temperature: 1,
    });
    expect((await originRequestWith('hello defaults-own')).body).toMatchObject({
      temperature: 1,
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'hello defaults-own' },
      ],
    });
  });
});

describe('timeouts', () => {
  it('end a stream whose origin goes silent with the protocol’s failure events', async () => {
    await createEndpoint('rules-idle', { mode: 'stall/2', body: { timeouts: { idle_ms: 300 } } });
    const { key } = await createKey();
    const r = await events(await responses(key, { model: 'rules-idle', input: 'hi', stream: true }));
    expect(r.slice(-2)).toMatchObject([
      {
        type: 'response.failed',
        response: {
          status: 'failed',
          error: { code: 'origin_timeout', message: expect.stringMatching(/idle timeout/) },
        },
      },
      { type: 'error', code: 'origin_timeout' },
    ]);
    const m = await events(
      await messages(key, {
        model: 'rules-idle',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      }),
    );
    expect(m.at(-1)).toMatchObject({
      type: 'error',
      error: { type: 'timeout_error', message: expect.stringMatching(/idle timeout/) },
    });
  });

  it('answer 504 when no first byte comes in time (Anthropic: timeout_error)', async () => {
    await createEndpoint('rules-stall', { mode: 'stall', body: { timeouts: { first_byte_ms: 300, total_ms: 600 } } });
    const { key } = await createKey();
    const m = await messages(key, {
      model: 'rules-stall',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(m.status).toBe(504);
    expect(await m.json()).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
    const r = await responses(key, { model: 'rules-stall', input: 'hi' });
    expect(r.status).toBe(504);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('origin_timeout');
  });
});
