// The per-key concurrency limit end to end: simultaneous requests over the limit are
// refused with 429, slots come back when requests finish, and a client that goes away
// (streaming or not) frees its slot and makes the router abort the origin request.

import { APIUserAbortError, RateLimitError, type APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import {
  CONCURRENCY_MESSAGE,
  admin,
  createEndpoint,
  createKey,
  eventually,
  inFlight,
  newRequestId,
  openai,
  originStats,
  recordedRequest,
  rejectionOf,
  userMessage,
} from './helpers.ts';

const hello = (model: string) => ({ model, messages: userMessage('Hello') });

describe('concurrency limit', () => {
  it('admits exactly N of M simultaneous streams and refuses the rest with 429', async () => {
    const N = 3;
    const M = 8;
    const slow = (await createEndpoint('conc-slow', { mode: 'slow/200' })).name;
    const key = await createKey([slow], N);
    const c = openai(key.key);

    const attempts = await Promise.allSettled(
      Array.from({ length: M }, (_, i) =>
        c.chat.completions.create({ model: slow, messages: userMessage(`request ${i}`), stream: true }),
      ),
    );
    const admitted = attempts.filter((a) => a.status === 'fulfilled').map((a) => a.value);
    const refused = attempts.filter((a) => a.status === 'rejected').map((a) => a.reason as unknown);

    expect(admitted).toHaveLength(N);
    expect(refused).toHaveLength(M - N);
    for (const err of refused) {
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as APIError).message).toBe(`429 ${CONCURRENCY_MESSAGE}`);
      expect((err as APIError).headers?.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(await inFlight(key.id)).toBe(N);

    // The admitted streams run to their normal end…
    for (const stream of admitted) {
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text.trim().length).toBeGreaterThan(0);
    }
    // …and give their slots back.
    await eventually(async () => expect(await inFlight(key.id)).toBe(0));
    const usage = await admin().keyUsage(key.id);
    expect(usage.find((r) => r.endpoint === slow)).toMatchObject({ requests: N, completed: N });
  });

  it('frees the slot and aborts the origin when a streaming client goes away', async () => {
    const slow = (await createEndpoint('conc-abort', { mode: 'slow/1000' })).name;
    const fast = (await createEndpoint('conc-fast')).name;
    const key = await createKey([slow, fast], 1);
    const c = openai(key.key);
    const abortedBefore = (await originStats()).aborted;

    const id = newRequestId('abort-stream');
    const stream = await c.chat.completions.create(
      { model: slow, messages: userMessage('Tell me a long story'), stream: true },
      { headers: { 'x-request-id': id } },
    );
    expect(await inFlight(key.id)).toBe(1);
    const chunks = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 2; i++) {
      const { done, value } = await chunks.next();
      expect(done).toBe(false);
      expect(value?.model).toBe(slow);
    }
    stream.controller.abort(); // the client goes away mid-stream

    // The router cancelled its origin request: the emulator saw the connection close early.
    await eventually(async () => expect((await recordedRequest(id)).outcome).toBe('aborted'), { timeoutMs: 5_000 });
    expect((await originStats()).aborted).toBeGreaterThan(abortedBefore);
    // The slot is back, and the next request is admitted at limit 1.
    await eventually(async () => expect(await inFlight(key.id)).toBe(0), { timeoutMs: 5_000 });
    await expect(c.chat.completions.create(hello(fast))).resolves.toMatchObject({ model: fast });
    await eventually(
      async () => {
        const row = (await admin().keyUsage(key.id)).find((r) => r.endpoint === slow);
        expect(row).toMatchObject({ requests: 1, aborted: 1, completed: 0 });
      },
      { timeoutMs: 5_000 },
    );
  });
});

describe('non-streaming client abort', () => {
  // A request that waits on a stalled origin (no byte has gone to the client yet). The
  // router learns that its client left through request.signal (compat flag
  // enable_request_signal); test/worker/concurrency.test.ts checks that this frees the
  // slot and aborts the origin at once inside workerd. Under `wrangler dev` that signal
  // never fires on a client disconnect (workers-sdk #6467 / #9334; checked with a minimal
  // worker on 4.164), so here the bound is the endpoint's total timeout: the slot still
  // comes back and the origin still sees its request aborted, within total_ms.
  let c: ReturnType<typeof openai>;
  let keyId: string;
  let fast: string;
  let requestId: string;

  it('holds the slot while the origin works, and the client sees its own abort', async () => {
    const stalled = (await createEndpoint('conc-stall', { mode: 'stall', timeouts: { total_ms: 2_000 } })).name;
    fast = (await createEndpoint('conc-fast2')).name;
    const key = await createKey([stalled, fast], 1);
    keyId = key.id;
    c = openai(key.key);

    requestId = newRequestId('abort-plain');
    const controller = new AbortController();
    const pending = c.chat.completions.create(hello(stalled), {
      headers: { 'x-request-id': requestId },
      signal: controller.signal,
    });
    // The request reaches the origin (which never answers) and holds the key's only slot.
    await eventually(async () => expect((await recordedRequest(requestId)).outcome).toBe('in_flight'), {
      timeoutMs: 5_000,
    });
    expect(await inFlight(keyId)).toBe(1);
    const refused = await rejectionOf(c.chat.completions.create(hello(fast)));
    expect(refused).toBeInstanceOf(RateLimitError);

    setTimeout(() => controller.abort(), 500);
    const err = await rejectionOf(pending);
    expect(err).toBeInstanceOf(APIUserAbortError);
  });

  it('frees the slot and aborts the origin once the client has gone, at the latest after total_ms', async () => {
    expect(requestId).toBeTruthy();
    await eventually(async () => expect((await recordedRequest(requestId)).outcome).toBe('aborted'), {
      timeoutMs: 5_000,
    });
    await eventually(async () => expect(await inFlight(keyId)).toBe(0), { timeoutMs: 5_000 });
    await expect(c.chat.completions.create(hello(fast))).resolves.toMatchObject({ model: fast });
  });
});
