import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { KeyGate } from '../../src/gate/key-gate';
import { USAGE_FIRST_PAGE, USAGE_FLUSH_MS, USAGE_PAGE_AFTER } from '../../src/gate/usage-ledger';

const usage = { endpoint: 'e', outcome: 'completed' as const, promptTokens: 3, completionTokens: 5 };
let n = 0;
const freshGate = () => env.GATE.getByName(`gate-test-${n++}-${crypto.randomUUID()}`);

describe('KeyGate', () => {
  it('admits up to the limit and refuses the next with a retry hint', async () => {
    const gate = freshGate();
    const a = await gate.acquire(2, 60_000, 'e');
    const b = await gate.acquire(2, 60_000, 'e');
    const c = await gate.acquire(2, 60_000, 'e');
    expect(a).toMatchObject({ ok: true, inFlight: 1 });
    expect(b).toMatchObject({ ok: true, inFlight: 2 });
    expect(c).toEqual({ ok: false, reason: 'concurrency', retryAfterSeconds: 1 });
    expect(await gate.inFlight()).toBe(2);
  });

  it('admits exactly the limit when many acquire at once', async () => {
    const gate = freshGate();
    const results = await Promise.all(Array.from({ length: 20 }, () => gate.acquire(5, 60_000, 'e')));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(await gate.inFlight()).toBe(5);
  });

  it('frees the slot on release, once: a second release is a no-op', async () => {
    const gate = freshGate();
    const lease = await gate.acquire(1, 60_000, 'e');
    if (!lease.ok) throw new Error('not admitted');
    expect(await gate.release(lease.leaseId, usage)).toBe(true);
    expect(await gate.release(lease.leaseId, usage)).toBe(false);
    expect(await gate.inFlight()).toBe(0);
    const rows = await gate.usage();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ endpoint: 'e', requests: 1, completed: 1, prompt_tokens: 3, completion_tokens: 5 });
  });

  it('releases what an admission carries before counting, in the same step', async () => {
    const gate = freshGate();
    const first = await gate.acquire(1, 60_000, 'e');
    if (!first.ok) throw new Error('not admitted');
    expect(await gate.acquire(1, 60_000, 'e')).toMatchObject({ ok: false, reason: 'concurrency' });
    // At the limit, an admission that carries the finished request's release is admitted.
    const next = await gate.acquire(1, 60_000, 'e', [], 0, [{ leaseId: first.leaseId, usage }]);
    expect(next).toMatchObject({ ok: true, inFlight: 1 });
    // The new lease took the released one's row: one row, with the new lease's id.
    const rows = () =>
      runInDurableObject(gate, (_i: KeyGate, state) =>
        state.storage.sql
          .exec<{ id: string }>('SELECT id FROM leases')
          .toArray()
          .map((r) => r.id),
      );
    expect(await rows()).toEqual([next.ok ? next.leaseId : '']);
    // Carried again (a retried batch), it changes nothing and is counted once.
    expect(await gate.acquire(1, 60_000, 'e', [], 0, [{ leaseId: first.leaseId, usage }])).toMatchObject({
      ok: false,
      reason: 'concurrency',
    });
    if (!next.ok) throw new Error('not admitted');
    await gate.releaseAll([{ leaseId: next.leaseId, usage }]);
    await gate.releaseAll([{ leaseId: next.leaseId, usage }]);
    expect(await gate.inFlight()).toBe(0);
    expect(await gate.usage()).toEqual([
      expect.objectContaining({ endpoint: 'e', requests: 2, completed: 2, prompt_tokens: 6, completion_tokens: 10 }),
    ]);
  });

  it('counts a tally of requests whose leases went on to the next one, leaving the lease held', async () => {
    const gate = freshGate();
    const lease = await gate.acquire(1, 60_000, 'e');
    if (!lease.ok) throw new Error('not admitted');
    // Four requests used the lease one after the other: the first three come as a tally (release-batch.ts).
    const tally = { endpoint: 'e', completed: 2, aborted: 1, failed: 0, promptTokens: 9, completionTokens: 12 };
    await gate.releaseAll([{ tally }]);
    expect(await gate.inFlight()).toBe(1);
    await gate.releaseAll([{ leaseId: lease.leaseId, usage }]);
    expect(await gate.inFlight()).toBe(0);
    expect(await gate.usage()).toEqual([
      expect.objectContaining({
        endpoint: 'e',
        requests: 4,
        completed: 3,
        aborted: 1,
        failed: 0,
        prompt_tokens: 12,
        completion_tokens: 17,
      }),
    ]);
  });

  it('releases what a refused admission carries too', async () => {
    const gate = freshGate();
    const first = await gate.acquire(1, 60_000, 'e');
    if (!first.ok) throw new Error('not admitted');
    await gate.revoke();
    expect(await gate.acquire(1, 60_000, 'e', [], 0, [{ leaseId: first.leaseId, usage }])).toMatchObject({
      ok: false,
      reason: 'revoked',
    });
    expect(await gate.inFlight()).toBe(0);
    const rows = await runInDurableObject(
      gate,
      (_i: KeyGate, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM leases').one().n,
    );
    expect(rows).toBe(0);
  });

  it('does not count an expired lease, even before the alarm runs', async () => {
    const gate = freshGate();
    await gate.acquire(1, 1, 'e');
    await new Promise((r) => setTimeout(r, 5));
    expect(await gate.acquire(1, 60_000, 'e')).toMatchObject({ ok: true });
  });

  it('reclaims leases whose holder never released them when the alarm fires', async () => {
    const gate = freshGate();
    await gate.acquire(3, 20, 'e');
    await gate.acquire(3, 60_000, 'e');
    await new Promise((r) => setTimeout(r, 30));
    expect(await runDurableObjectAlarm(gate)).toBe(true);
    const remaining = await runInDurableObject(
      gate,
      (_instance: KeyGate, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM leases').one().n,
    );
    expect(remaining).toBe(1);
    // The alarm is re-armed for the lease that is still live.
    expect(await runInDurableObject(gate, (_i: KeyGate, state) => state.storage.getAlarm())).not.toBeNull();
  });

  it('extends a lease on renew', async () => {
    const gate = freshGate();
    const lease = await gate.acquire(1, 30, 'e');
    if (!lease.ok) throw new Error('not admitted');
    expect(await gate.renew(lease.leaseId, 60_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 40));
    expect(await gate.acquire(1, 60_000, 'e')).toMatchObject({ ok: false, reason: 'concurrency' });
  });

  it('refuses every request once revoked', async () => {
    const gate = freshGate();
    await gate.revoke();
    expect(await gate.acquire(10, 60_000, 'e')).toEqual({ ok: false, reason: 'revoked', retryAfterSeconds: 0 });
  });
});

describe('KeyGate rate windows', () => {
  const rule = (calls: number) => ({ calls, periodMs: 60_000, label: `${calls}/min` });

  it('counts calls per window with admission, refusing with the time left in the window', async () => {
    const gate = freshGate();
    const a = await gate.acquire(10, 60_000, 'e', [rule(2)]);
    const b = await gate.acquire(10, 60_000, 'e', [rule(2)]);
    const c = await gate.acquire(10, 60_000, 'e', [rule(2)]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(c).toMatchObject({ ok: false, reason: 'rate', limit: '2/min' });
    if (c.ok) throw new Error('admitted');
    expect(c.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(c.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another endpoint has its own window.
    expect((await gate.acquire(10, 60_000, 'other', [rule(2)])).ok).toBe(true);
  });

  it('gives quota back when a lease is released with refund, and on refund()', async () => {
    const gate = freshGate();
    const a = await gate.acquire(10, 60_000, 'e', [rule(1)]);
    if (!a.ok) throw new Error('not admitted');
    expect((await gate.acquire(10, 60_000, 'e', [rule(1)])).ok).toBe(false);
    await gate.release(a.leaseId, undefined, true);
    expect((await gate.acquire(10, 60_000, 'e', [rule(1)])).ok).toBe(true);

    const limiter = env.LIMITER.getByName(`limiter-test-${crypto.randomUUID()}`);
    const t = await limiter.take([rule(1)]);
    if (!t.ok) throw new Error('refused');
    expect((await limiter.take([rule(1)])).ok).toBe(false);
    await limiter.refund(t.windows);
    expect((await limiter.take([rule(1)])).ok).toBe(true);
  });
});

describe('KeyGate schema upgrade', () => {
  it('adds what a gate created by an older version lacks, keeping its leases', async () => {
    const gate = freshGate();
    await runInDurableObject(gate, (_i: KeyGate, state) => {
      // A gate from before rate limits (and before schema versions): no `windows` on its leases, no version stored.
      state.storage.sql.exec('DROP TABLE schema_version');
      state.storage.sql.exec('DROP TABLE rate_windows');
      state.storage.sql.exec(
        'CREATE TABLE rate_windows (endpoint TEXT NOT NULL, period_ms INTEGER NOT NULL, window INTEGER NOT NULL, calls INTEGER NOT NULL, PRIMARY KEY (endpoint, period_ms, window))',
      );
      state.storage.sql.exec('DROP TABLE leases');
      state.storage.sql.exec(
        'CREATE TABLE leases (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, endpoint TEXT NOT NULL)',
      );
      state.storage.sql.exec(
        'INSERT INTO leases (id, expires_at, endpoint) VALUES (?, ?, ?)',
        'old',
        Date.now() + 60_000,
        'e',
      );
    });
    await evictDurableObject(gate);
    expect(await gate.inFlight()).toBe(1);
    expect(await gate.acquire(2, 60_000, 'e', [{ calls: 5, periodMs: 60_000, label: '5/min' }])).toMatchObject({
      ok: true,
      inFlight: 2,
    });
    expect(await gate.release('old', usage)).toBe(true);
  });
});

describe('KeyGate schema versions', () => {
  const version = (gate: DurableObjectStub<KeyGate>) =>
    runInDurableObject(
      gate,
      (_i: KeyGate, state) =>
        state.storage.sql.exec<{ version: number }>('SELECT version FROM schema_version').one().version,
    );

  it('stores the version it reached', async () => {
    const gate = freshGate();
    await gate.inFlight();
    expect(await version(gate)).toBe(3);
  });

  it('upgrades a version-1 gate (before token budgets), keeping its leases and their rate windows', async () => {
    const gate = freshGate();
    const periodMs = 86_400_000;
    const window = Math.floor(Date.now() / periodMs);
    await runInDurableObject(gate, (_i: KeyGate, state) => {
      const sql = state.storage.sql;
      sql.exec('DROP TABLE leases');
      sql.exec('DROP TABLE rate_windows');
      sql.exec(
        "CREATE TABLE leases (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, endpoint TEXT NOT NULL, windows TEXT NOT NULL DEFAULT '[]')",
      );
      sql.exec('CREATE INDEX IF NOT EXISTS leases_expiry ON leases (expires_at)');
      sql.exec(
        'CREATE TABLE rate_windows (endpoint TEXT NOT NULL, period_ms INTEGER NOT NULL, window INTEGER NOT NULL, calls INTEGER NOT NULL, PRIMARY KEY (endpoint, period_ms, window))',
      );
      sql.exec(
        'INSERT INTO leases (id, expires_at, endpoint, windows) VALUES (?, ?, ?, ?)',
        'old',
        Date.now() + 60_000,
        'e',
        JSON.stringify([[periodMs, window]]),
      );
      sql.exec(
        'INSERT INTO rate_windows (endpoint, period_ms, window, calls) VALUES (?, ?, ?, 1)',
        'e',
        periodMs,
        window,
      );
      sql.exec('UPDATE schema_version SET version = 1');
    });
    await evictDurableObject(gate);
    expect(await gate.inFlight()).toBe(1);
    expect(await version(gate)).toBe(3);
    const rule = { calls: 1, periodMs, label: '1/day' };
    // The old lease's call still counts in its window…
    expect(await gate.acquire(5, 60_000, 'e', [rule])).toMatchObject({ ok: false, reason: 'rate' });
    // …and a refund of the old lease (stored as [period, window]) gives it back.
    expect(await gate.release('old', undefined, true)).toBe(true);
    expect(await gate.acquire(5, 60_000, 'e', [rule])).toMatchObject({ ok: true });
  });

  it('versions the endpoint limiter too', async () => {
    const limiter = env.LIMITER.getByName(`limiter-version-${crypto.randomUUID()}`);
    await limiter.reservedTokens();
    expect(
      await runInDurableObject(
        limiter,
        (_i, state) => state.storage.sql.exec<{ version: number }>('SELECT version FROM schema_version').one().version,
      ),
    ).toBe(1);
  });
});

describe('KeyGate usage listing', () => {
  it("reads each page through the usage_listing index, in its order: no sort of the key's rows", async () => {
    const gate = freshGate();
    await gate.inFlight();
    const plans = await runInDurableObject(gate, (_i: KeyGate, state) =>
      (
        [
          [USAGE_FIRST_PAGE, 50],
          [USAGE_PAGE_AFTER, '2026-01-01T00', 'e', 50],
        ] as const
      ).map(([statement, ...params]) =>
        state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement}`, ...params)
          .toArray()
          .map((row) => row.detail)
          .join(' / '),
      ),
    );
    for (const plan of plans) {
      expect(plan).toMatch(/usage_listing/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
    expect(plans[1]).toMatch(/SEARCH usage USING INDEX usage_listing \(hour<\?\)/);
  });

  it('pages through every row once, newest hour first, then by endpoint', async () => {
    const gate = freshGate();
    await gate.inFlight();
    const rows = await runInDurableObject(gate, (_i: KeyGate, state) => {
      for (const hour of ['2026-01-01T00', '2026-01-01T01', '2026-01-01T02']) {
        for (const endpoint of ['b', 'a', 'c']) {
          state.storage.sql.exec('INSERT INTO usage (endpoint, hour, requests) VALUES (?, ?, 1)', endpoint, hour);
        }
      }
      const seen: string[] = [];
      let page = state.storage.sql.exec<{ hour: string; endpoint: string }>(USAGE_FIRST_PAGE, 2).toArray();
      while (page.length) {
        seen.push(...page.map((r) => `${r.hour}/${r.endpoint}`));
        const last = page[page.length - 1]!;
        page = state.storage.sql
          .exec<{ hour: string; endpoint: string }>(USAGE_PAGE_AFTER, last.hour, last.endpoint, 2)
          .toArray();
      }
      return seen;
    });
    expect(rows).toEqual(['02', '01', '00'].flatMap((h) => ['a', 'b', 'c'].map((e) => `2026-01-01T${h}/${e}`)));
  });
});

describe('KeyGate usage accounting', () => {
  it('writes no usage row on release: counters are flushed by the alarm (or a read), within USAGE_FLUSH_MS', async () => {
    const gate = freshGate();
    const a = await gate.acquire(5, 60_000, 'e');
    if (!a.ok) throw new Error('not admitted');
    await gate.release(a.leaseId, usage);
    const rows = () =>
      runInDurableObject(
        gate,
        (_i: KeyGate, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM usage').one().n,
      );
    expect(await rows()).toBe(0);
    // The alarm is armed for the flush (no lease is left to expire).
    const alarm = await runInDurableObject(gate, (_i: KeyGate, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm! - Date.now()).toBeLessThanOrEqual(USAGE_FLUSH_MS);
    expect(await runDurableObjectAlarm(gate)).toBe(true);
    expect(await rows()).toBe(1);
    expect(await gate.usage()).toEqual([
      expect.objectContaining({ endpoint: 'e', requests: 1, completed: 1, prompt_tokens: 3, completion_tokens: 5 }),
    ]);
  });

  it('keeps token reservations durable: a restarted gate still counts them', async () => {
    const gate = freshGate();
    const rules = [{ scope: '*', periodMs: 86_400_000, tokens: 1000, label: '1000/day' }];
    const a = await gate.acquire(5, 60_000, 'e', rules, 700);
    expect(a.ok).toBe(true);
    await evictDurableObject(gate);
    expect(await gate.acquire(5, 60_000, 'e', rules, 700)).toMatchObject({ ok: false, reason: 'tokens' });
    if (!a.ok) throw new Error('not admitted');
    await gate.release(a.leaseId, usage);
    expect(await gate.budget(86_400_000)).toMatchObject({ used: 8, reserved: 0 });
  });
});
