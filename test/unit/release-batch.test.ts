import { describe, expect, it } from 'vitest';
import type { KeyGate } from '../../src/gate/key-gate';
import { Lease } from '../../src/gate/lease';
import {
  confirmKey,
  forgetKey,
  needsRefresh,
  queueRelease,
  RELEASE_BATCH_MS,
  RELEASE_WAIT_WITH_ROOM_MS,
  takeOverLease,
  refreshKey,
  takeReleases,
} from '../../src/gate/release-batch';
import type { ReleaseReport, UsageReport } from '../../src/gate/types';

/** A recording stand-in for the gate stub: the real gate is exercised in test/worker; this checks the isolate's side. */
function recordingGate() {
  const batches: ReleaseReport[][] = [];
  const released: string[] = [];
  const gate = {
    releaseAll: async (batch: ReleaseReport[]) => void batches.push(batch),
    release: async (id: string) => void released.push(id),
    renew: async () => true,
    watch: async () => new Promise<'released'>(() => undefined),
  };
  return { batches, released, gate: gate as unknown as DurableObjectStub<KeyGate> };
}

const usage = { endpoint: 'e', outcome: 'completed' as const, promptTokens: 1, completionTokens: 2 };
/** The tally of `n` requests like `usage` whose leases were taken over. */
const tally = (n: number, endpoint = 'e') => ({
  tally: { endpoint, completed: n, aborted: 0, failed: 0, promptTokens: n, completionTokens: 2 * n },
});
/** The lease id `takeOverLease` hands on (a reuse span of 250 ms, leases handed on for 40 s after their grant). */
const take = (name: string, now = Date.now()) => takeOverLease(name, now, 250, 40_000)?.leaseId;
let n = 0;
/** A fresh gate name whose gate admitted a request here just now (near its limit unless `roomy`). */
const heardGate = (roomy = false) => {
  const name = `release-batch-test-${n++}`;
  confirmKey(name, Date.now(), roomy);
  return name;
};

describe('releases waiting in the isolate (src/gate/release-batch.ts)', () => {
  it("hands a finished request's lease to the next request on the key, and keeps the finished one's usage for the next call", async () => {
    const { batches, gate } = recordingGate();
    const name = heardGate();
    const sent = queueRelease(() => gate, name, { leaseId: 'a', usage }, Date.now());
    expect(take(name, Date.now())).toBe('a');
    expect(take(name, Date.now())).toBeUndefined(); // one request holds it
    await sent; // the finished request is done with it…
    expect(batches).toEqual([]); // …without a call: the lease runs on
    expect(takeReleases(name)).toEqual([tally(1)]); // its usage rides with the next call, without the lease
    expect(takeReleases(name)).toEqual([]);
  });

  it('hands on the newest reusable lease, and none once the gate has not been heard from within the reuse span', async () => {
    const { gate } = recordingGate();
    const name = heardGate();
    const now = Date.now();
    const sent = [
      queueRelease(() => gate, name, { leaseId: 'first', usage }, Date.now()),
      queueRelease(() => gate, name, { leaseId: 'plain', usage }), // not reusable (a lease with rate windows)
      queueRelease(() => gate, name, { leaseId: 'newest', usage }, Date.now()),
    ];
    expect(take(name, now)).toBe('newest');
    expect(take(name, now + 250)).toBeUndefined(); // the gate's last word is 250 ms old
    expect(take(`never-heard-${n++}`, now)).toBeUndefined();
    forgetKey(name); // the gate refused the key as revoked
    expect(take(name, now)).toBeUndefined();
    expect(takeReleases(name)).toEqual([{ leaseId: 'first', usage }, { leaseId: 'plain', usage }, tally(1)]);
    await Promise.all(sent);
  });

  it('hands on no lease granted a third of its TTL ago or more: it goes back to the gate before it could expire in use', async () => {
    const { batches, gate } = recordingGate();
    const name = heardGate();
    const old = queueRelease(() => gate, name, { leaseId: 'old', usage }, Date.now() - 40_000);
    expect(take(name)).toBeUndefined();
    const fresh = queueRelease(() => gate, name, { leaseId: 'fresh', usage }, Date.now() - 39_000);
    expect(take(name)).toBe('fresh');
    await Promise.all([old, fresh]);
    expect(batches).toEqual([[{ leaseId: 'old', usage }, tally(1)]]); // the old lease's release went to the gate
  });

  it('tallies the usage of leases taken over per endpoint and outcome: one report each, however many requests', async () => {
    const { gate } = recordingGate();
    const name = heardGate();
    const sent: Promise<void>[] = [];
    const finish = (leaseId: string, u: UsageReport) => {
      sent.push(queueRelease(() => gate, name, { leaseId, usage: u }, Date.now()));
      expect(take(name, Date.now())).toBe(leaseId);
    };
    finish('a', usage);
    finish('b', usage);
    finish('c', { ...usage, outcome: 'aborted', completionTokens: 0 });
    finish('d', { ...usage, endpoint: 'other' });
    expect(takeReleases(name)).toEqual([
      { tally: { endpoint: 'e', completed: 2, aborted: 1, failed: 0, promptTokens: 3, completionTokens: 4 } },
      tally(1, 'other'),
    ]);
    await Promise.all(sent);
  });

  it('sends what nobody took within RELEASE_BATCH_MS: every release waiting for the gate, in one call', async () => {
    const { batches, gate } = recordingGate();
    const name = heardGate();
    const first = queueRelease(() => gate, name, { leaseId: 'a', usage }, Date.now());
    expect(take(name, Date.now())).toBe('a');
    const second = queueRelease(() => gate, name, { leaseId: 'b', usage }, Date.now());
    const third = queueRelease(() => gate, name, { leaseId: 'c', usage });
    const started = Date.now();
    await Promise.all([first, second, third]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(RELEASE_BATCH_MS - 1);
    expect(batches).toEqual([[{ leaseId: 'b', usage }, { leaseId: 'c', usage }, tally(1)]]);
    expect(takeReleases(name)).toEqual([]);
  });

  it('keeps a lease for the next request longer while its key has room (RELEASE_WAIT_WITH_ROOM_MS)', async () => {
    const { batches, gate } = recordingGate();
    const name = heardGate(true);
    const roomy = queueRelease(() => gate, name, { leaseId: 'roomy', usage }, Date.now());
    await new Promise((r) => setTimeout(r, RELEASE_BATCH_MS * 2));
    expect(batches).toEqual([]);
    expect(take(name, Date.now())).toBe('roomy');
    await roomy;
    expect(takeReleases(name)).toEqual([tally(1)]);
    expect(RELEASE_WAIT_WITH_ROOM_MS).toBeGreaterThan(RELEASE_BATCH_MS * 2);
  });
});

describe("the key's word, renewed in the background (refreshKey)", () => {
  /** A gate stand-in answering `releaseAll` with `word`, recording what it was sent. */
  function answeringGate(word: { revoked: boolean; inFlight: number }) {
    const batches: ReleaseReport[][] = [];
    const gate = {
      releaseAll: async (batch: ReleaseReport[]) => {
        batches.push(batch);
        return word;
      },
    } as unknown as DurableObjectStub<KeyGate>;
    return { batches, gate };
  }

  it('renews the word halfway through the reuse span, carrying the tallies and leaving leases that may be taken over', async () => {
    const { gate, batches } = answeringGate({ revoked: false, inFlight: 1 });
    const name = `release-batch-test-${n++}`;
    const start = Date.now();
    confirmKey(name, start - 130, false);
    const a = queueRelease(() => gate, name, { leaseId: 'a', usage }, start);
    expect(take(name, start)).toBe('a'); // its usage joins the tally
    const b = queueRelease(() => gate, name, { leaseId: 'b', usage }, start); // free, may be taken over
    expect(needsRefresh(name, start, 250)).toBe(true);
    const refreshing = refreshKey(gate, name, start, 8);
    expect(needsRefresh(name, start, 250)).toBe(false); // one refresh at a time
    await refreshing;
    expect(batches).toEqual([[tally(1)]]);
    // The word is renewed from `start`: 200 ms on (330 ms after the old word), 'b' may still pass on.
    expect(take(name, start + 200)).toBe('b');
    expect(needsRefresh(name, start + 100, 250)).toBe(false);
    await Promise.all([a, b]);
  });

  it('stops the hand-on when the gate answers that the key is revoked', async () => {
    const { gate } = answeringGate({ revoked: true, inFlight: 1 });
    const name = heardGate();
    const a = queueRelease(() => gate, name, { leaseId: 'a', usage }, Date.now());
    await refreshKey(gate, name, Date.now(), 8);
    expect(take(name)).toBeUndefined();
    expect(takeReleases(name)).toEqual([{ leaseId: 'a', usage }]);
    await a;
  });
});

describe('Lease release, with releases waiting in the isolate', () => {
  it('offers its lease to the next request when it may be reused, and not once it was held for upkeep', async () => {
    const { gate } = recordingGate();
    const name = heardGate();
    const reusable = new Lease(() => gate, 'r', 60_000, 0, undefined, name, Date.now());
    const held = new Lease(() => gate, 'h', 60_000, 0, undefined, name, Date.now());
    const withWindows = new Lease(() => gate, 'w', 60_000, 0, undefined, name, null);
    held.hold(
      () => undefined,
      60_000,
      () => undefined,
    );
    const done = [reusable.release(usage), held.release(usage), withWindows.release(usage)];
    expect(take(name, Date.now())).toBe('r');
    expect(take(name, Date.now())).toBeUndefined();
    await Promise.all(done);
  });

  it('released at once (an error answer), it takes every release waiting for the gate along', async () => {
    const { batches, gate } = recordingGate();
    const name = heardGate();
    const waitingOne = queueRelease(() => gate, name, { leaseId: 'w', usage });
    const failed = new Lease(() => gate, 'f', 60_000, 0, undefined, name, Date.now());
    await failed.release({ ...usage, outcome: 'failed' }, true);
    expect(batches).toEqual([
      [
        { leaseId: 'w', usage },
        { leaseId: 'f', usage: { ...usage, outcome: 'failed' } },
      ],
    ]);
    await waitingOne;
    expect(batches).toHaveLength(1);
  });
});
