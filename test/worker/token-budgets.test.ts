import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { routerConfig } from '../../src/config';
import { RateWindows } from '../../src/gate/rate-windows';
import type { KeyGate } from '../../src/gate/key-gate';
import type { WindowState } from '../../src/gate/types';
import { expectAdminError, expectError } from './helpers/expect-error';
import {
  admin,
  call,
  CHAT_MODEL,
  createEndpoint,
  createKey,
  eventually,
  originAttempts,
  originRequestWith,
  originUrl,
  type OriginRecord,
} from './helpers/router';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const chat = (token: string, json: Json, signal?: AbortSignal) =>
  call('/v1/chat/completions', { method: 'POST', token, json, signal });

async function keyInfo(id: string): Promise<Json> {
  const res = await admin('GET', `/keys/${id}`);
  expect(res.status).toBe(200);
  return res.json();
}

async function tokenWindow(id: string): Promise<WindowState> {
  return (await keyInfo(id)).token_window as WindowState;
}

/** What the estimate reserves for a prompt: the body the origin got, in UTF-8 bytes ÷ 3, rounded up. */
function promptEstimate(originBody: unknown): number {
  return Math.ceil(new TextEncoder().encode(JSON.stringify(originBody)).length / 3);
}

/**
 * Minute windows: a test that needs one window starts with at least `ms` of it left (the rollover itself is
 * tested on the window counters with a controlled clock, below).
 */
async function windowWithRoom(ms = 20_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((r) => setTimeout(r, left + 50));
}

describe('token budgets: configuration', () => {
  it('validates rate_limits entries: calls or tokens, not both nor neither; key api_key, endpoint or tenant', async () => {
    const entity = { name: 'a', protocol: 'openai', model: 'm', origins: [{ url: 'http://127.0.0.1:9' }] };
    const post = (rate_limits: unknown) =>
      admin('POST', '/endpoints', { name: 'tb-invalid', served_entities: [entity], rate_limits });
    await expectAdminError(await post([{ key: 'api_key', calls: 5, tokens: 100, renewal_period: 'minute' }]), 400, {
      param: 'rate_limits.0.tokens',
      message: "Invalid 'rate_limits.0.tokens': a rate limit counts 'calls' or 'tokens', not both: make two rules",
    });
    await expectAdminError(await post([{ key: 'tenant', renewal_period: 'hour' }]), 400, {
      param: 'rate_limits.0.calls',
      message: "Invalid 'rate_limits.0.calls': a rate limit needs 'calls' or 'tokens'",
    });
    await expectAdminError(await post([{ key: 'tenant', tokens: 0, renewal_period: 'hour' }]), 400, {
      param: 'rate_limits.0.tokens',
      message: "Invalid 'rate_limits.0.tokens': must be ≥ 1",
    });
    await expectAdminError(await post([{ key: 'user', tokens: 10, renewal_period: 'hour' }]), 400, {
      param: 'rate_limits.0.key',
      message: "Invalid 'rate_limits.0.key': unknown value 'user', expected one of 'api_key', 'endpoint', 'tenant'",
    });
  });

  it('stores token rules in the endpoint’s versioned config', async () => {
    const created = (await createEndpoint('tb-config', {
      body: { rate_limits: [{ key: 'tenant', tokens: 5000, renewal_period: 'hour' }] },
    })) as Json;
    expect(created.rate_limits).toEqual([{ key: 'tenant', tokens: 5000, renewal_period: 'hour' }]);
    const patched = await admin('PATCH', '/endpoints/tb-config', {
      rate_limits: [
        { key: 'endpoint', tokens: 9000, renewal_period: 'day' },
        { key: 'api_key', calls: 5, renewal_period: 'minute' },
      ],
    });
    expect(patched.status).toBe(200);
    const versions = (await (await admin('GET', '/endpoints/tb-config/versions')).json()) as Json;
    expect(JSON.stringify(versions)).toContain('"tokens":9000');
    expect(((await patched.json()) as Json).config_version).toBe(2);
  });

  it('validates a key’s token_budget on create and update, and shows it', async () => {
    await expectAdminError(
      await admin('POST', '/keys', { token_budget: { tokens: 0, renewal_period: 'minute' } }),
      400,
      {
        param: 'token_budget.tokens',
      },
    );
    await expectAdminError(
      await admin('POST', '/keys', { token_budget: { tokens: 10, renewal_period: 'week' } }),
      400,
      {
        param: 'token_budget.renewal_period',
      },
    );
    await expectAdminError(
      await admin('POST', '/keys', {
        kind: 'platform',
        role: 'member',
        tenant: 'default',
        token_budget: { tokens: 10, renewal_period: 'day' },
      }),
      400,
      {
        param: 'token_budget',
      },
    );
    const key = await createKey({ token_budget: { tokens: 1000, renewal_period: 'minute' } });
    expect(key).toMatchObject({ token_budget: { tokens: 1000, renewal_period: 'minute' } });
    expect(await keyInfo(key.id)).toMatchObject({
      token_budget: { tokens: 1000, renewal_period: 'minute' },
      token_window: { used: 0, reserved: 0, calls: 0 },
    });
    const patched = await admin('PATCH', `/keys/${key.id}`, { token_budget: { tokens: 50, renewal_period: 'day' } });
    expect(await patched.json()).toMatchObject({ token_budget: { tokens: 50, renewal_period: 'day' } });
    const removed = await admin('PATCH', `/keys/${key.id}`, { token_budget: null });
    expect(await removed.json()).toMatchObject({ token_budget: null });
    expect(await keyInfo(key.id)).toMatchObject({ token_budget: null, token_window: null });
    await expectAdminError(await admin('PATCH', `/keys/${key.id}`, {}), 400, {});
  });
});

describe('token budgets: admission', () => {
  it(
    '1,000 tokens per minute, 20 concurrent requests of max_tokens 200: at most 5 at once, never over 1,000; aborted streams pay what they consumed; then the rest comes back',
    { timeout: 60_000 },
    async () => {
      // The origin sends one token, then holds every admitted stream open until its client leaves.
      await createEndpoint('tb-key-stall', { mode: 'stall/1' });
      await createEndpoint('tb-key-normal');
      const key = await createKey({ concurrency_limit: 50, token_budget: { tokens: 1000, renewal_period: 'minute' } });
      await windowWithRoom();
      const controllers = Array.from({ length: 20 }, () => new AbortController());
      const responses = await Promise.all(
        controllers.map((c, i) =>
          chat(
            key.key,
            {
              model: 'tb-key-stall',
              messages: [{ role: 'user', content: `budget ${String(i).padStart(2, '0')}` }],
              max_tokens: 200,
              stream: true,
            },
            c.signal,
          ),
        ),
      );
      const admitted = responses.filter((r) => r.status === 200);
      const refused = responses.filter((r) => r.status === 429);
      expect(admitted.length + refused.length).toBe(20);
      expect(admitted.length).toBeGreaterThan(0);
      expect(admitted.length).toBeLessThanOrEqual(5);

      // What one request reserves (the same for all: their bodies have the same length): its prompt estimate (from
      // the body the origin got) + max_tokens 200.
      const reservation = promptEstimate((await originRequestWith('budget ')).body) + 200;
      expect(admitted.length).toBe(Math.floor(1000 / reservation));
      const held = await tokenWindow(key.id);
      expect(held).toMatchObject({ used: 0, reserved: admitted.length * reservation, calls: admitted.length });
      expect(held.used + held.reserved).toBeLessThanOrEqual(1000);

      const refusal = await expectError(refused[0]!, 429, { type: 'rate_limit_error', code: 'token_budget_exceeded' });
      expect(refusal.error.message).toMatch(
        /^Token budget exceeded: 1000 tokens per minute for this API key\. This request reserves \d+ tokens/,
      );
      const retryAfter = Number(refused[0]!.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused[0]!.headers.get('x-ratelimit-remaining-tokens')).toBe(
        String(1000 - admitted.length * reservation),
      );
      expect(refused[0]!.headers.get('x-ratelimit-reset-tokens')).toMatch(/^(\d+m)?\d+s$/);
      expect(admitted[0]!.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
      expect(Number(admitted[0]!.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThanOrEqual(
        1000 - admitted.length * reservation,
      );

      // Each admitted stream reads its first token, then its client leaves: it is charged that one token, not 200 + prompt.
      for (const res of admitted) {
        const reader = res.body!.getReader();
        let text = '';
        while (!/"content":"[^"]/.test(text)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        await reader.cancel();
      }
      for (const c of controllers) c.abort();
      await eventually(async () => expect(await tokenWindow(key.id)).toMatchObject({ reserved: 0 }), 10_000);
      const afterAbort = await tokenWindow(key.id);
      const usage = (await (await admin('GET', `/keys/${key.id}/usage`)).json()) as Json;
      const counted = (usage.data as Json[]).reduce((s, r) => s + r.prompt_tokens + r.completion_tokens, 0);
      expect((usage.data as Json[]).reduce((s, r) => s + r.aborted, 0)).toBe(admitted.length);
      expect(afterAbort.used).toBe(counted);
      expect(afterAbort.used).toBeGreaterThanOrEqual(admitted.length); // one token each at least
      expect(afterAbort.used).toBeLessThan(admitted.length * reservation);
      expect(usage).toMatchObject({
        token_budget: { tokens: 1000, renewal_period: 'minute' },
        token_window: { used: afterAbort.used, reserved: 0 },
      });

      // The unused reservations came back: requests that finish are admitted one after another, each charged its real usage.
      let used = afterAbort.used;
      let admittedLater = 0;
      for (;;) {
        const res = await chat(key.key, {
          model: 'tb-key-normal',
          messages: [{ role: 'user', content: 'later' }],
          max_tokens: 200,
        });
        if (res.status === 429) {
          await expectError(res, 429, { code: 'token_budget_exceeded' });
          break;
        }
        expect(res.status).toBe(200);
        const body = (await res.json()) as Json;
        used += body.usage.prompt_tokens + body.usage.completion_tokens;
        admittedLater++;
        await eventually(async () => expect(await tokenWindow(key.id)).toMatchObject({ used, reserved: 0 }));
      }
      expect(admittedLater).toBeGreaterThan(admitted.length);
      const last = await tokenWindow(key.id);
      expect(last.used).toBeLessThanOrEqual(1000);
      // Refused now means the next reservation would not fit.
      expect(1000 - last.used).toBeLessThan(reservation);
    },
  );

  it('refused for concurrency costs no tokens; refused for tokens costs no call', async () => {
    await createEndpoint('tb-order', {
      mode: 'stall/1',
      body: { rate_limits: [{ key: 'api_key', calls: 3, renewal_period: 'day' }] },
    });
    const key = await createKey({ concurrency_limit: 1, token_budget: { tokens: 5000, renewal_period: 'day' } });
    const body = { model: 'tb-order', messages: [{ role: 'user', content: 'order' }], max_tokens: 100, stream: true };
    const controller = new AbortController();
    const first = await chat(key.key, body, controller.signal);
    expect(first.status).toBe(200);
    const before = await tokenWindow(key.id);
    await expectError(await chat(key.key, body), 429, { code: 'concurrency_limit_exceeded' });
    expect(await tokenWindow(key.id)).toEqual(before);
    controller.abort();
    await first.body?.cancel().catch(() => undefined);
    await eventually(async () => expect((await keyInfo(key.id)).in_flight).toBe(0));

    // A request too large for the budget is refused for tokens: it costs none of the 3 calls.
    await expectError(await chat(key.key, { ...body, max_tokens: 6000, stream: false }), 429, {
      code: 'token_budget_exceeded',
    });
    const calls = await runInDurableObject(
      env.GATE.getByName((await gateName(key.id))!),
      (_g: KeyGate, state) =>
        state.storage.sql
          .exec<{ calls: number }>("SELECT SUM(calls) AS calls FROM rate_windows WHERE scope != '*'")
          .one().calls,
    );
    expect(calls).toBe(1);
  });

  it('endpoint and tenant budgets count in the endpoint’s limiter; a refusal there gives the key its call and reservation back', async () => {
    await createEndpoint('tb-shared', {
      mode: 'stall/1',
      body: {
        rate_limits: [
          { key: 'tenant', tokens: 700, renewal_period: 'day' },
          { key: 'endpoint', tokens: 1000, renewal_period: 'day' },
        ],
      },
    });
    const a = await createKey({ concurrency_limit: 10, token_budget: { tokens: 100_000, renewal_period: 'day' } });
    const b = await createKey({ concurrency_limit: 10 });
    const body = { model: 'tb-shared', messages: [{ role: 'user', content: 'shared' }], max_tokens: 250, stream: true };
    const controller = new AbortController();
    // ~300 tokens each: two fit the tenant's 700, whichever key of the tenant sends them.
    const r1 = await chat(a.key, body, controller.signal);
    const r2 = await chat(b.key, body, controller.signal);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    const refused = await chat(a.key, body);
    const err = await expectError(refused, 429, { code: 'token_budget_exceeded' });
    expect(err.error.message).toMatch(
      /^Token budget exceeded: 700 tokens per day for tenant 'default' on endpoint 'tb-shared'\./,
    );
    // The key's gate took a call and a reservation for the refused request, then got them back: only r1's remain.
    const aWindow = await tokenWindow(a.id);
    expect(aWindow.calls).toBe(1);
    const reservation = aWindow.reserved;
    expect(reservation).toBe(promptEstimate((await originRequestWith('shared')).body) + 250);
    expect(3 * reservation).toBeGreaterThan(700);

    const endpoint = (await (await admin('GET', '/endpoints/tb-shared')).json()) as Json;
    const limiter = env.LIMITER.getByName(endpoint.id as string);
    expect(await limiter.state('tenant:default', 86_400_000)).toMatchObject({
      calls: 2,
      reserved: 2 * reservation,
      used: 0,
    });
    expect(await limiter.state('endpoint', 86_400_000)).toMatchObject({ calls: 2, reserved: 2 * reservation, used: 0 });

    controller.abort();
    await Promise.all([r1, r2].map((r) => r.body?.cancel().catch(() => undefined)));
    await eventually(async () => expect(await limiter.reservedTokens()).toBe(0), 10_000);
    const settled = await limiter.state('tenant:default', 86_400_000);
    expect(settled.used).toBeGreaterThanOrEqual(2);
    expect(settled.used).toBeLessThan(2 * reservation);
    expect((await limiter.state('endpoint', 86_400_000)).used).toBe(settled.used);
  });

  it('answers 429 in each route’s protocol, with Retry-After and the token headers', async () => {
    await createEndpoint('tb-protocols', {
      body: { rate_limits: [{ key: 'api_key', tokens: 50, renewal_period: 'day' }] },
    });
    const { key } = await createKey();
    const big = 5000;
    const tgi = await call('/endpoints/tb-protocols/generate', {
      method: 'POST',
      token: key,
      json: { inputs: 'hi', parameters: { max_new_tokens: big } },
    });
    expect(tgi.status).toBe(429);
    const tgiBody = (await tgi.json()) as Json;
    expect(tgiBody).toEqual({
      error: expect.stringMatching(
        /^Token budget exceeded: 50 tokens per day for this API key on endpoint 'tb-protocols'/,
      ),
      error_type: 'overloaded',
    });
    const anthropic = await call('/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      json: { model: 'tb-protocols', max_tokens: big, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(anthropic.status).toBe(429);
    expect(await anthropic.json()).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.stringMatching(/^Token budget exceeded: /) },
    });
    const responses = await call('/v1/responses', {
      method: 'POST',
      token: key,
      json: { model: 'tb-protocols', input: 'hi', max_output_tokens: big },
    });
    await expectError(responses, 429, { type: 'rate_limit_error', code: 'token_budget_exceeded' });
    for (const res of [tgi, anthropic, responses]) {
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('x-ratelimit-remaining-tokens')).toBe('50');
      expect(res.headers.get('x-ratelimit-reset-tokens')).toMatch(/^(\d+h)?(\d+m)?\d+s$/);
    }
    // A small request fits: a 200 with the headers.
    const ok = await call('/endpoints/tb-protocols/generate', {
      method: 'POST',
      token: key,
      json: { inputs: 'hi', parameters: { max_new_tokens: 2 } },
    });
    expect(ok.status).toBe(200);
    expect(Number(ok.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(50);
  });
});

describe('token budgets: the reservation bounds the generation', () => {
  /** The one request the emulator got with this x-request-id. */
  async function sentAs(id: string): Promise<OriginRecord> {
    const attempts = await eventually(async () => {
      const list = await originAttempts(id);
      expect(list.map((a) => a.outcome)).toEqual(['completed']);
      return list;
    });
    return attempts[0]!;
  }

  it(
    'a request without max_tokens is sent with the reserved limit, so the origin generates no more and the window never exceeds the budget',
    { timeout: 60_000 },
    async () => {
      // The completion tokens reserved when neither the request nor the endpoint sets a limit.
      const cap = routerConfig(env).tokenBudgetDefaultMaxTokens;
      await createEndpoint('tb-cap');
      const budget = Math.floor(2.5 * cap);
      const key = await createKey({
        concurrency_limit: 10,
        token_budget: { tokens: budget, renewal_period: 'minute' },
      });
      await windowWithRoom(30_000);
      // ignore_eos (a vLLM extra): the emulator generates until its limit, as a model that never stops would.
      const ask = (id: string, token: string) =>
        call('/v1/chat/completions', {
          method: 'POST',
          token,
          headers: { 'x-request-id': id },
          json: { model: 'tb-cap', messages: [{ role: 'user', content: 'write forever' }], ignore_eos: true },
        });
      const run = `tb-cap-${Date.now()}`;
      let admitted = 0;
      for (let i = 0; ; i++) {
        const res = await ask(`${run}-${i}`, key.key);
        if (res.status === 429) {
          await expectError(res, 429, { code: 'token_budget_exceeded' });
          break;
        }
        expect(res.status).toBe(200);
        const body = (await res.json()) as Json;
        const origin = await sentAs(`${run}-${i}`);
        expect(origin.body).toMatchObject({ max_tokens: cap });
        // What the emulator wrote: exactly the limit, and the router counted the same.
        expect(origin.completionTokens).toBe(cap);
        expect(body.usage.completion_tokens).toBe(cap);
        admitted++;
        const window = await eventually(async () => {
          const w = await tokenWindow(key.id);
          expect(w.reserved).toBe(0);
          return w;
        });
        expect(window.used).toBeLessThanOrEqual(budget);
      }
      expect(admitted).toBe(2);

      // Where no token rule applies the body is left alone, and the same request generates past that limit.
      const free = await createKey();
      const res = await ask(`${run}-free`, free.key);
      expect(res.status).toBe(200);
      const origin = await sentAs(`${run}-free`);
      expect(origin.body).not.toHaveProperty('max_tokens');
      expect(origin.body).not.toHaveProperty('max_completion_tokens');
      expect(origin.completionTokens).toBeGreaterThan(cap);
    },
  );

  it('reserves what the origin may write: the larger of two limits, times n and the prompts of a batch', async () => {
    await createEndpoint('tb-answers', {
      body: { rate_limits: [{ key: 'api_key', tokens: 2000, renewal_period: 'day' }] },
    });
    const { key } = await createKey();
    const messages = [{ role: 'user', content: 'hi' }];
    const send = (path: string, json: Json) =>
      call(path, { method: 'POST', token: key, json: { model: 'tb-answers', ...json } });
    /** A refusal for more than the whole budget names what the request reserved. */
    const reserved = async (path: string, json: Json) => {
      const { error } = await expectError(await send(path, json), 429, {
        code: 'token_budget_exceeded',
        message: expect.stringMatching(/lower max_tokens or n/),
      });
      return Number(/reserves (\d+) tokens/.exec(error.message)?.[1]);
    };
    // vLLM reads max_completion_tokens first: the larger of the two counts, whichever the origin obeys.
    const both = await reserved('/v1/chat/completions', { messages, max_tokens: 1, max_completion_tokens: 3000 });
    expect(both).toBeGreaterThanOrEqual(3000);
    expect(both).toBeLessThan(3100);
    // n answers, each up to max_tokens.
    const n = await reserved('/v1/chat/completions', { messages, max_tokens: 100, n: 30 });
    expect(n).toBeGreaterThanOrEqual(3000);
    expect(n).toBeLessThan(3100);
    // A completions batch: every prompt gets its answer.
    const batch = await reserved('/v1/completions', {
      prompt: Array.from({ length: 30 }, () => 'hi'),
      max_tokens: 100,
    });
    expect(batch).toBeGreaterThanOrEqual(3000);
    expect(batch).toBeLessThan(3300);
    // The same requests asking for one answer fit.
    const one = await send('/v1/chat/completions', { messages, max_tokens: 100, n: 1 });
    expect(one.status).toBe(200);
    expect((await one.json()) as Json).toMatchObject({ choices: [{ index: 0 }] });
    const single = await send('/v1/completions', { prompt: ['hi'], max_tokens: 100 });
    expect(single.status).toBe(200);
    await single.text();
  });

  it('sets the limit in the field each origin route reads, and leaves a limit the request sets', async () => {
    const cap = routerConfig(env).tokenBudgetDefaultMaxTokens;
    await admin('POST', '/endpoints', {
      name: 'tb-cap-fields',
      served_entities: [
        { name: 'native', protocol: 'openai', model: CHAT_MODEL, responses_api: true, origins: [{ url: originUrl() }] },
      ],
      rate_limits: [{ key: 'api_key', tokens: 1_000_000, renewal_period: 'day' }],
    });
    await admin('POST', '/endpoints', {
      name: 'tb-cap-tgi',
      served_entities: [{ name: 'tgi', protocol: 'tgi', model: 'tgi', origins: [{ url: `${originUrl()}/tgi` }] }],
      rate_limits: [{ key: 'endpoint', tokens: 1_000_000, renewal_period: 'day' }],
    });
    const { key } = await createKey();
    const run = `tb-fields-${Date.now()}`;
    const send = async (name: string, path: string, json: Json) => {
      const res = await call(path, { method: 'POST', token: key, headers: { 'x-request-id': `${run}-${name}` }, json });
      expect(res.status, name).toBe(200);
      await res.text();
      return (await sentAs(`${run}-${name}`)).body;
    };
    const messages = [{ role: 'user', content: 'fields' }];
    expect(await send('chat', '/v1/chat/completions', { model: 'tb-cap-fields', messages })).toMatchObject({
      max_tokens: cap,
    });
    expect(
      await send('stream', '/v1/chat/completions', { model: 'tb-cap-fields', messages, stream: true }),
    ).toMatchObject({ max_tokens: cap, stream: true });
    expect(await send('completions', '/v1/completions', { model: 'tb-cap-fields', prompt: 'fields' })).toMatchObject({
      max_tokens: cap,
    });
    expect(await send('responses', '/v1/responses', { model: 'tb-cap-fields', input: 'fields' })).toMatchObject({
      max_output_tokens: cap,
    });
    expect(await send('generate', '/endpoints/tb-cap-tgi/generate', { inputs: 'fields' })).toMatchObject({
      parameters: { max_new_tokens: cap },
    });
    // A limit in a field the route does not read limits nothing: the reserved one is written where it does.
    expect(
      await send('other-field', '/v1/chat/completions', { model: 'tb-cap-fields', messages, max_output_tokens: 1 }),
    ).toMatchObject({ max_tokens: cap, max_output_tokens: 1 });
    expect(
      await send('generate-top', '/endpoints/tb-cap-tgi/generate', { inputs: 'fields', max_tokens: 1 }),
    ).toMatchObject({ parameters: { max_new_tokens: cap } });
    // The request's own limit, in any of its names, is sent as it is.
    const own = await send('own', '/v1/chat/completions', {
      model: 'tb-cap-fields',
      messages,
      max_completion_tokens: 5,
    });
    expect(own).toMatchObject({ max_completion_tokens: 5 });
    expect(own).not.toHaveProperty('max_tokens');
  });
});

describe('token budgets: windows', () => {
  it('roll over exactly at the period boundary (a controlled clock on the window counters)', async () => {
    const gate = env.GATE.getByName(`tb-windows-${crypto.randomUUID()}`);
    await runInDurableObject(gate, (_g: KeyGate, state) => {
      const windows = new RateWindows(state.storage.sql);
      const rules = [{ scope: '*', periodMs: 60_000, tokens: 1000, label: '1000 tokens per minute' }];
      const start = 29_000_000 * 60_000; // a minute boundary
      const a = windows.take('*', rules, start, 600);
      expect(a).toMatchObject({ ok: true, headroom: { remaining: 400, resetAt: start + 60_000 } });
      const b = windows.take('*', rules, start + 59_999, 600);
      expect(b).toMatchObject({ ok: false, reason: 'tokens', retryAfterSeconds: 1, headroom: { remaining: 400 } });
      // Settled with less than reserved: the difference is free again within the same window.
      if (!a.ok) throw new Error('refused');
      windows.settle(a.windows, 600, 100);
      expect(windows.take('*', rules, start + 59_999, 900)).toMatchObject({ ok: true, headroom: { remaining: 0 } });
      // The first millisecond of the next window starts from zero.
      const next = windows.take('*', rules, start + 60_000, 1000);
      expect(next).toMatchObject({ ok: true, headroom: { remaining: 0, resetAt: start + 120_000 } });
      expect(windows.state('*', 60_000, start + 60_000)).toMatchObject({ used: 0, reserved: 1000, calls: 1 });
    });
  });

  it('a request refused for calls reserves no tokens, and one refused for tokens takes no call', async () => {
    const gate = env.GATE.getByName(`tb-order-${crypto.randomUUID()}`);
    await runInDurableObject(gate, (_g: KeyGate, state) => {
      const windows = new RateWindows(state.storage.sql);
      const now = 29_000_000 * 60_000;
      const calls = { scope: 'e', periodMs: 60_000, calls: 1, label: '1 call per minute' };
      const tokens = { scope: '*', periodMs: 60_000, tokens: 1000, label: '1000 tokens per minute' };
      expect(windows.take('e', [calls, tokens], now, 100)).toMatchObject({ ok: true });
      expect(windows.take('e', [calls, tokens], now, 100)).toMatchObject({ ok: false, reason: 'rate' });
      expect(windows.state('*', 60_000, now)).toMatchObject({ reserved: 100, calls: 1 });
      expect(windows.take('e', [tokens, calls], now, 5000)).toMatchObject({ ok: false, reason: 'tokens' });
      expect(windows.state('e', 60_000, now)).toMatchObject({ calls: 1 });
      expect(windows.state('*', 60_000, now)).toMatchObject({ reserved: 100, calls: 1 });
    });
  });

  it('a lease that expires unreleased (its isolate crashed) is charged what it reserved', async () => {
    const gate = env.GATE.getByName(`tb-expiry-${crypto.randomUUID()}`);
    const rules = [{ scope: '*', periodMs: 86_400_000, tokens: 10_000, label: 'day' }];
    const a = await gate.acquire(5, 10, 'e', rules, 300);
    expect(a.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    await runInDurableObject(gate, (instance: KeyGate) => instance.alarm());
    expect(await gate.budget(86_400_000)).toMatchObject({ used: 300, reserved: 0 });
    expect(await gate.reservedTokens()).toBe(0);
  });
});

/** The gate object's name for a key: its hash, read from D1. */
async function gateName(keyId: string): Promise<string | null> {
  return env.DB.prepare('SELECT hash FROM api_keys WHERE id = ?').bind(keyId).first<string>('hash');
}
