import { describe, expect, it, vi } from 'vitest';
import { KeyGate } from '../../src/gate/key-gate';
import { CONCURRENCY_MESSAGE } from '../../src/http/api-error';
import { admin, call, createEndpoint, createKey, eventually, inFlight, originStats } from './helpers/router';

const hello = [{ role: 'user', content: 'hello' }];

describe('per-key concurrency', () => {
  it('admits exactly N of M simultaneous requests and returns every slot afterwards', async () => {
    await createEndpoint('slow-many', { mode: 'slow/50' });
    const { id, key } = await createKey({ concurrency_limit: 3 });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        call('/v1/chat/completions', {
          method: 'POST',
          token: key,
          json: { model: 'slow-many', messages: hello, stream: true },
        }),
      ),
    );
    const admitted = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect(admitted).toHaveLength(3);
    expect(refused).toHaveLength(5);
    for (const r of refused)
      expect(((await r.json()) as { error: { message: string } }).error.message).toBe(CONCURRENCY_MESSAGE);
    expect(await inFlight(id)).toBe(3);
    await Promise.all(admitted.map((r) => r.text()));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('admits a client at its limit at once when it sends its next request as soon as it has the answer', async () => {
    // The release of a finished request rides with the isolate's next admission for the key (src/gate/release-batch.ts).
    await createEndpoint('back-to-back');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const body = { model: 'back-to-back', messages: hello };
    for (let i = 0; i < 20; i++) {
      const res = await call('/v1/chat/completions', { method: 'POST', token: key, json: body });
      expect(res.status).toBe(200);
      await res.json();
    }
    await eventually(async () => expect(await inFlight(id)).toBe(0));
    const usage = (await (await admin('GET', `/keys/${id}/usage`)).json()) as { data: Array<{ requests: number }> };
    expect(usage.data.reduce((n, r) => n + r.requests, 0)).toBe(20);
  });

  it("passes a finished request's lease to the next one on the key without asking the gate, and counts every request", async () => {
    await createEndpoint('hand-on');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const acquire = vi.spyOn(KeyGate.prototype, 'acquire');
    try {
      const body = { model: 'hand-on', messages: hello };
      for (let i = 0; i < 20; i++) {
        const res = await call('/v1/chat/completions', { method: 'POST', token: key, json: body });
        expect(res.status).toBe(200);
        await res.json();
      }
      // Each lease goes on for up to LEASE_REUSE_MS (250 ms) after the gate granted it, while the next request
      // comes within RELEASE_BATCH_MS (5 ms) of the last one's end.
      expect(acquire.mock.calls.length).toBeGreaterThan(0);
      expect(acquire.mock.calls.length).toBeLessThan(20);
    } finally {
      acquire.mockRestore();
    }
    await eventually(async () => expect(await inFlight(id)).toBe(0));
    const usage = (await (await admin('GET', `/keys/${id}/usage`)).json()) as { data: Array<{ requests: number }> };
    expect(usage.data.reduce((n, r) => n + r.requests, 0)).toBe(20);
  });

  it('keys do not share slots', async () => {
    await createEndpoint('slow-shared', { mode: 'slow/50' });
    const a = await createKey({ concurrency_limit: 1 });
    const b = await createKey({ concurrency_limit: 1 });
    const body = { model: 'slow-shared', messages: hello, stream: true };
    const [ra, rb] = await Promise.all(
      [a, b].map((k) => call('/v1/chat/completions', { method: 'POST', token: k.key, json: body })),
    );
    expect([ra!.status, rb!.status]).toEqual([200, 200]);
    await Promise.all([ra!.text(), rb!.text()]);
  });

  it('frees the slot and aborts the origin when the client cancels mid-stream', async () => {
    await createEndpoint('slow-cancel', { mode: 'slow/200' });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const abortedBefore = (await originStats()).aborted;
    const res = await call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: { model: 'slow-cancel', messages: hello, stream: true },
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(abortedBefore));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('frees the slot and aborts the origin when a non-streaming client goes away', async () => {
    await createEndpoint('stall-cancel', { mode: 'stall' });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const abortedBefore = (await originStats()).aborted;
    const controller = new AbortController();
    const pending = call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: { model: 'stall-cancel', messages: hello },
      signal: controller.signal,
    });
    await eventually(async () => expect(await inFlight(id)).toBe(1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(abortedBefore));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });
});

describe('cancellation before the first byte, and usage on every exit path', () => {
  it('a streaming client that leaves before the first event frees its slot and aborts the origin', async () => {
    await createEndpoint('stall-stream-cancel', { mode: 'stall' });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const abortedBefore = (await originStats()).aborted;
    const controller = new AbortController();
    const pending = call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: { model: 'stall-stream-cancel', messages: hello, stream: true },
      signal: controller.signal,
    });
    await eventually(async () => expect(await inFlight(id)).toBe(1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(abortedBefore), 1_000);
    await eventually(async () => expect(await inFlight(id)).toBe(0), 1_000);
  });

  it('counts the tokens delivered before the client left, and those of failed streams', async () => {
    await createEndpoint('usage-aborted', { mode: 'slow/50' });
    await createEndpoint('usage-dropped', { mode: 'drop/4' });
    const { id, key } = await createKey();
    const res = await call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: { model: 'usage-aborted', messages: hello, stream: true },
    });
    const reader = res.body!.getReader();
    let chunks = 0;
    while (chunks < 4) {
      const { value } = await reader.read();
      chunks += (new TextDecoder().decode(value).match(/"content":"[^"]+"/g) ?? []).length;
    }
    await reader.cancel();
    await (
      await call('/v1/chat/completions', {
        method: 'POST',
        token: key,
        json: { model: 'usage-dropped', messages: hello, stream: true },
      })
    ).text();
    await eventually(async () => {
      const rows = (
        (await (await admin('GET', `/keys/${id}/usage`)).json()) as {
          data: Array<{ endpoint: string; aborted: number; failed: number; completion_tokens: number }>;
        }
      ).data;
      const aborted = rows.find((r) => r.endpoint === 'usage-aborted');
      const dropped = rows.find((r) => r.endpoint === 'usage-dropped');
      expect(aborted).toMatchObject({ aborted: 1 });
      expect(aborted!.completion_tokens).toBeGreaterThanOrEqual(3);
      expect(dropped).toMatchObject({ failed: 1 });
      expect(dropped!.completion_tokens).toBeGreaterThanOrEqual(3);
    });
  });
});
