import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { nextRequestToken, outliers } from '../../src/origins/outlier-detector';
import {
  CHAT_MODEL,
  admin,
  call,
  createKey,
  eventually,
  inFlight,
  originAttempts,
  originUrl,
  setSwitch,
} from './helpers/router';
import { expectAdminError, expectError } from './helpers/expect-error';

/**
 * Passive origin health without blast radius: failures count per (origin, model),
 * one attempt per origin, ejection only from several requests, panic routing when
 * every origin is ejected, a half-open trial that every exit settles.
 */
const hello = (marker: string) => [{ role: 'user', content: `hello ${marker}` }];

async function chat(
  key: string,
  model: string,
  opts: { stream?: boolean; signal?: AbortSignal; marker?: string } = {},
): Promise<{ res: Response; requestId: string }> {
  const requestId = `outlier-${crypto.randomUUID()}`;
  const res = await call('/v1/chat/completions', {
    method: 'POST',
    token: key,
    json: { model, messages: hello(`${requestId}${opts.marker ?? ''}`), stream: opts.stream ?? false },
    headers: { 'x-request-id': requestId },
    signal: opts.signal,
  });
  return { res, requestId };
}

async function endpoint(
  name: string,
  entity: Record<string, unknown>,
  timeouts?: Record<string, number>,
): Promise<void> {
  const res = await admin('POST', '/endpoints', {
    name,
    served_entities: [{ name: 'pool', protocol: 'openai', model: CHAT_MODEL, ...entity }],
    ...(timeouts ? { timeouts } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** Which emulator mode path each attempt of a request went to. */
async function attemptModes(requestId: string): Promise<string[]> {
  return (await originAttempts(requestId)).map((r) => r.mode);
}

describe('origin health without blast radius', () => {
  it(
    'a model that fails on a shared server leaves its other models, and other tenants, serving',
    { timeout: 60_000 },
    async () => {
      const shared = originUrl();
      await endpoint('shared-broken', { model: `${CHAT_MODEL}@error500`, origins: [{ url: shared }] });
      await endpoint('shared-chat', { origins: [{ url: shared }] });
      await admin('POST', '/tenants', { name: 'other-tenant' });
      const res = await admin('POST', '/endpoints', {
        name: 'shared-other-tenant',
        tenant: 'other-tenant',
        served_entities: [{ name: 'pool', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: shared }] }],
      });
      expect(res.status).toBe(201);
      const { key } = await createKey();
      const other = await createKey({ tenant: 'other-tenant' });

      for (let i = 0; i < 12; i++) {
        const broken = await chat(key, 'shared-broken', { stream: i % 2 === 0 });
        await expectError(broken.res, 502, { code: 'origin_error' });
        expect(await originAttempts(broken.requestId)).toHaveLength(1);
        const fine = (await chat(key, 'shared-chat')).res;
        expect(fine.status).toBe(200);
        await fine.text();
        const otherTenant = (await chat(other.key, 'shared-other-tenant', { stream: true })).res;
        expect(otherTenant.status).toBe(200);
        expect(await otherTenant.text()).toContain('[DONE]');
      }
      // The failing model is ejected in this isolate, the server is not; nothing is marked down for other isolates.
      // (ejectedUntil stays set, ejected or half-open, until a success closes the scope; 0 = never ejected.)
      expect(outliers.ejectedUntil(shared, `${CHAT_MODEL}@error500`)).toBeGreaterThan(0);
      expect(outliers.ejectedUntil(shared, CHAT_MODEL)).toBe(0);
      const marks = await env.DB.prepare('SELECT COUNT(*) AS n FROM origin_health WHERE url = ?')
        .bind(shared)
        .first<number>('n');
      expect(marks).toBe(0);
    },
  );

  it(
    'tries each origin of a pool once: a 500 goes to the other origin, and the failing one is ejected after several requests',
    { timeout: 60_000 },
    async () => {
      await endpoint('pool-500', {
        origins: [
          { url: originUrl('error500/1'), weight: 1000 },
          { url: originUrl('normal/1'), weight: 1 },
        ],
      });
      const { key } = await createKey();
      const tries: string[][] = [];
      for (let i = 0; i < 8; i++) {
        const { res, requestId } = await chat(key, 'pool-500');
        expect(res.status).toBe(200);
        await res.text();
        tries.push(await attemptModes(requestId));
      }
      for (const t of tries) expect(new Set(t).size).toBe(t.length); // never the same origin twice
      // The first requests try the heavy, failing origin first; once it is ejected, only the healthy one is tried.
      expect(tries[0]).toEqual(['error500/1', 'normal/1']);
      expect(tries.at(-1)).toEqual(['normal/1']);
    },
  );

  it(
    'a request that gets the same 500 from every origin is its own problem: nothing ejected',
    { timeout: 60_000 },
    async () => {
      // Every origin answers a marked request with a 500, as llama.cpp does an oversized input: the request's fault.
      const urls = [originUrl('normal/11'), originUrl('normal/12'), originUrl('normal/13')];
      await endpoint('pool-bad-request', { origins: urls.map((url) => ({ url })) });
      const { key } = await createKey();
      for (let i = 0; i < 8; i++) {
        const { res, requestId } = await chat(key, 'pool-bad-request', {
          stream: i % 2 === 0,
          marker: '<<too-large>>',
        });
        await expectError(res, 502, { code: 'origin_error' });
        // Every origin was asked once (a third might have answered), and none of them counts the 500.
        const modes = await attemptModes(requestId);
        expect(modes).toHaveLength(3);
        expect(new Set(modes).size).toBe(3);
        // The same origins serve everyone else's requests.
        const fine = (await chat(key, 'pool-bad-request')).res;
        expect(fine.status).toBe(200);
        await fine.text();
      }
      for (const url of urls) expect(outliers.ejectedUntil(url, CHAT_MODEL)).toBe(0);
    },
  );

  it(
    'two broken origins in a row do not stop the failover: the third answers, and the two count as failed',
    { timeout: 60_000 },
    async () => {
      // The broken pair almost always comes first (weights), so every request meets the same 500 twice before
      // the healthy origin: the same status twice is no proof against the request while another origin is left.
      const broken = [originUrl('error500/21'), originUrl('error500/22')];
      await endpoint('pool-two-broken', {
        origins: [...broken.map((url) => ({ url, weight: 1000 })), { url: originUrl('normal/23'), weight: 1 }],
      });
      const { key } = await createKey();
      for (let i = 0; i < 6; i++) {
        const { res } = await chat(key, 'pool-two-broken', { stream: i % 2 === 0 });
        expect(res.status).toBe(200);
        await res.text();
      }
      // Their 500s counted: at most half a pool of three is ejected at once, so one of the two is out.
      expect(broken.filter((url) => outliers.ejectedUntil(url, CHAT_MODEL) > 0)).toHaveLength(1);
    },
  );

  it(
    "a TGI client's failing LoRA adapter is ejected on its own, not the base model it runs on",
    { timeout: 60_000 },
    async () => {
      const server = `${originUrl()}/vllm`; // the emulator's own URL under another name: scopes of its own
      await endpoint('adapter-pool', { origins: [{ url: server }] });
      const { key } = await createKey();
      // The emulator serves `<model>@error500` as that model failing with a 500: a broken adapter.
      const adapter = `${CHAT_MODEL}@error500`;
      const generate = (parameters: Record<string, unknown>) =>
        call('/generate', {
          method: 'POST',
          token: key,
          json: { model: 'adapter-pool', inputs: 'hello', parameters: { max_new_tokens: 4, ...parameters } },
        });
      for (let i = 0; i < 8; i++) {
        const bad = await generate({ adapter_id: adapter });
        expect(bad.status).toBeGreaterThanOrEqual(500);
        await bad.text();
        const fine = await generate({});
        expect(fine.status).toBe(200);
        await fine.text();
      }
      expect(outliers.ejectedUntil(server, adapter)).toBeGreaterThan(0);
      expect(outliers.ejectedUntil(server, CHAT_MODEL)).toBe(0);
    },
  );

  it(
    "a pool of one cannot eject an origin that a larger pool shares beyond that pool's ejection share",
    { timeout: 60_000 },
    async () => {
      const SWITCH = 102;
      const a = originUrl(`switch/${SWITCH}`);
      const b = originUrl('error500/23');
      await setSwitch(SWITCH, 'normal');
      await endpoint('cap-shared', { origins: [{ url: a }, { url: b }] });
      await endpoint('cap-single', { origins: [{ url: a }] });
      const { key } = await createKey();
      // b is ejected, for far longer than the test runs (set up through the detector: no timing involved).
      const later = Date.now() + 600_000;
      for (let i = 0; i < 5; i++) {
        const attempt = outliers.start(b, CHAT_MODEL, nextRequestToken(), later);
        attempt.failed('model', [a, b], later);
        attempt.end();
      }
      expect(outliers.ejected(b, CHAT_MODEL)).toBe(true);
      // The shared pool serves a request from a (its half that is not ejected).
      const shared = await chat(key, 'cap-shared');
      expect(shared.res.status).toBe(200);
      await shared.res.text();
      // Now a resets every connection. The one-origin pool fails over and over; ejecting a would leave the shared
      // pool (50 %: one of its two origins) with both ejected.
      await setSwitch(SWITCH, 'reset');
      for (let i = 0; i < 4; i++) {
        const single = await chat(key, 'cap-single');
        await expectError(single.res, 502, { code: 'origin_unreachable' });
      }
      expect(outliers.ejected(a, CHAT_MODEL)).toBe(false);
      await setSwitch(SWITCH, 'normal');
    },
  );

  it('a pool of one retries a connection reset, but not a 500', { timeout: 60_000 }, async () => {
    await endpoint('single-reset', { origins: [{ url: originUrl('reset') }] });
    await endpoint('single-500', { origins: [{ url: originUrl('error500/2') }] });
    const { key } = await createKey();
    const reset = await chat(key, 'single-reset');
    await expectError(reset.res, 502, { code: 'origin_unreachable' });
    expect(await originAttempts(reset.requestId)).toHaveLength(3);
    const failed = await chat(key, 'single-500');
    await expectError(failed.res, 502, { code: 'origin_error' });
    expect(await originAttempts(failed.requestId)).toHaveLength(1);
  });

  it(
    'a first-byte timeout under the 1 s floor fails over but never counts against the origin',
    { timeout: 60_000 },
    async () => {
      await endpoint(
        'short-timeout',
        {
          origins: [
            { url: originUrl('stall/0'), weight: 1000 },
            { url: originUrl('normal/2'), weight: 1 },
          ],
        },
        { first_byte_ms: 150 },
      );
      const { key } = await createKey();
      for (let i = 0; i < 7; i++) {
        const { res, requestId } = await chat(key, 'short-timeout', { stream: true });
        expect(res.status).toBe(200);
        await res.text();
        // Still tried first every time: the stalling origin was never ejected for the client's own short timeout.
        if (i >= 5) expect(await attemptModes(requestId)).toEqual(['stall/0', 'normal/2']);
      }
    },
  );

  it(
    "an endpoint's own 1 s first-byte timeout fails over but ejects nothing: only OUTLIER_FIRST_BYTE_MS (2 s in the tests) counts",
    { timeout: 60_000 },
    async () => {
      // Any endpoint owner may set first_byte_ms to 1000; an origin other tenants share must not be ejected for it.
      await endpoint(
        'tenant-timeout',
        {
          origins: [
            { url: originUrl('stall/0/vllm'), weight: 1000 },
            { url: originUrl('normal/3'), weight: 1 },
          ],
        },
        { first_byte_ms: 1_000 },
      );
      const { key } = await createKey();
      for (let i = 0; i < 7; i++) {
        const { res, requestId } = await chat(key, 'tenant-timeout', { stream: true });
        expect(res.status).toBe(200);
        await res.text();
        if (i >= 5) expect(await attemptModes(requestId)).toEqual(['stall/0', 'normal/3']);
      }
      expect(outliers.ejectedUntil(originUrl('stall/0/vllm'), CHAT_MODEL)).toBe(0);
    },
  );

  it('the schema refuses absurd timeouts with a message that says what to fix', async () => {
    const res = await admin('POST', '/endpoints', {
      name: 'absurd-timeouts',
      served_entities: [{ name: 'pool', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl() }] }],
      timeouts: { first_byte_ms: 1 },
    });
    const body = await expectAdminError(res, 400, { param: 'timeouts.first_byte_ms' });
    expect(body.error.message).toContain('at least 100 ms');
  });
});

describe('the half-open trial cannot jam', () => {
  it(
    'an ejected origin stays usable through trials ended by the request total timeout and by client aborts, and recovers',
    { timeout: 60_000 },
    async () => {
      const SWITCH = 101;
      const flaky = originUrl(`switch/${SWITCH}`);
      await setSwitch(SWITCH, 'error500');
      await endpoint(
        'jam',
        {
          origins: [
            { url: flaky, weight: 1000 },
            { url: originUrl('normal/5'), weight: 1 },
          ],
        },
        { total_ms: 600 },
      );
      const { id, key } = await createKey();
      // Failures from several requests eject the flaky origin (each request still succeeds on the other one).
      await eventually(async () => {
        const { res } = await chat(key, 'jam');
        expect(res.status).toBe(200);
        await res.text();
        expect(outliers.ejected(flaky, CHAT_MODEL)).toBe(true);
      }, 20_000);

      // The origin now stalls. Once the ejection is over, the next request is the half-open trial; its own total
      // timeout ends it (no verdict), and the trial is free again for the next request, which its client abandons.
      await setSwitch(SWITCH, 'stall');
      await eventually(async () => expect(outliers.available(flaky, CHAT_MODEL)).toBe(true), 20_000);
      const timedOut = await chat(key, 'jam', { stream: true });
      await expectError(timedOut.res, 504, { code: 'origin_timeout' });
      expect(await attemptModes(timedOut.requestId)).toEqual([`switch/${SWITCH}:stall`]);
      expect(outliers.available(flaky, CHAT_MODEL)).toBe(true);

      const controller = new AbortController();
      const pending = chat(key, 'jam', { signal: controller.signal }).catch((err: unknown) => err);
      await eventually(async () => expect(outliers.available(flaky, CHAT_MODEL)).toBe(false), 20_000); // the trial is in flight
      controller.abort();
      await pending;
      await eventually(async () => expect(outliers.available(flaky, CHAT_MODEL)).toBe(true), 20_000);

      // The origin recovers: the next trial succeeds and closes it; traffic reaches it again. Two idle origins are
      // ordered by a weighted draw, which sends about one request in a thousand to the weight-1 origin first (it
      // takes no trial, and answers): such a request is sent again.
      await setSwitch(SWITCH, 'normal');
      let modes: string[] = [];
      for (let i = 0; i < 5 && !modes.includes(`switch/${SWITCH}:normal`); i++) {
        const healed = await chat(key, 'jam');
        expect(healed.res.status).toBe(200);
        await healed.res.text();
        modes = await attemptModes(healed.requestId);
      }
      expect(modes).toEqual([`switch/${SWITCH}:normal`]);
      expect(outliers.ejected(flaky, CHAT_MODEL)).toBe(false);
      expect(outliers.ejectedUntil(flaky, CHAT_MODEL)).toBe(0);
      await eventually(async () => expect(await inFlight(id)).toBe(0));
    },
  );
});
