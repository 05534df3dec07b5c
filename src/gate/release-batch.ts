import type { KeyGate } from './key-gate';
import type { ReleaseReport } from './types';

/**
 * How long a finished request's release may wait in its isolate for a ride to the
 * gate, or for the next request on the key to take its lease over. The gate counts
 * the slot as taken for at most this long after the answer, for admissions from
 * other isolates; admissions from this isolate carry the release (or take the lease)
 * and never see it.
 */
export const RELEASE_BATCH_MS = 5;

/**
 * How long a finished request's lease may wait for the next request on its key while
 * the key has room: at most half its limit in flight at the gate's last count (its
 * latest admission by this isolate). Under load, the next admission from this isolate
 * may come several milliseconds after a request ends, because the isolate's thread is
 * busy; waiting longer lets it take the lease over instead of asking the gate. Other
 * isolates cannot be refused for a slot held this way, as the key is far from its
 * limit; near it, releases wait RELEASE_BATCH_MS.
 */
export const RELEASE_WAIT_WITH_ROOM_MS = 100;

/** A release waiting for a ride. */
interface PendingRelease extends ReleaseReport {
  /** An admission or a batch has it: it is on its way. */
  taken: boolean;
  /** When the next admission on the key may take the lease over (none: it may not). */
  reuse: LeaseReuse | null;
}

/**
 * A lease that may pass to the next request: when the gate granted it, until when it
 * may be handed on (epoch ms), and how long it waits for the next request once free
 * (RELEASE_BATCH_MS, or RELEASE_WAIT_WITH_ROOM_MS when the key had room).
 */
export interface LeaseReuse {
  grantedAt: number;
  until: number;
  waitMs: number;
}

/**
 * Releases on their way to a key's gate, per isolate, by the gate's name. A
 * request that ends puts its release here instead of making an RPC of its own:
 * - the next admission from this isolate for the same key may take its lease over
 *   (`takeOverLease`) when neither request counts against a rate or token window
 *   and the gate granted the lease less than the reuse span ago (`Config.leaseReuseMs`).
 *   The slot passes from one request to the next without a word to the gate, and
 *   the finished request's usage stays here, without its lease, for the next ride;
 * - an admission that has to ask the gate takes every waiting release along
 *   (`takeReleases`: the gate applies them first, in the same synchronous step);
 * - a release that nobody took within RELEASE_BATCH_MS (RELEASE_WAIT_WITH_ROOM_MS for
 *   a lease that may be handed on, while its key has room) goes, with every other
 *   one waiting for that gate, in one `releaseAll` call.
 * Under load a key's admissions are frequent, so most requests cost the gate nothing,
 * and most of the rest one call. A lease is handed on only within the reuse span of
 * the gate's own admission, so the gate still sees every key at least that often:
 * a revocation refuses new requests in every isolate within that span (at once in
 * the isolate that revoked: its key cache forgets the key, so the next request
 * reads it revoked).
 *
 * Every request waits only on its own timer and its own calls: workerd ends a
 * request whose promise another request would have to resolve ("Promise will
 * never complete"), so whoever takes a release owns its delivery.
 */
const waiting = new Map<string, PendingRelease[]>();

/**
 * Queues a release for `gateName` (`gate` gives its stub, asked for only if it has to
 * go on its own); resolves once it is on its way or its lease was taken over (or its
 * sending failed: the lease then expires). `reuse`: the next
 * admission may take the lease over within it.
 */
export function queueRelease(
  gate: () => DurableObjectStub<KeyGate>,
  gateName: string,
  report: ReleaseReport,
  reuse: LeaseReuse | null = null,
): Promise<void> {
  const pending: PendingRelease = { ...report, taken: false, reuse };
  const batch = waiting.get(gateName);
  if (batch) batch.push(pending);
  else waiting.set(gateName, [pending]);
  return new Promise<void>((resolve) => {
    setTimeout(() => {
      // Taken over: its lease runs on, and its usage rides with the next call of the key's requests in this isolate.
      if (pending.taken || pending.leaseId === undefined) return resolve();
      sendReleases(gate(), takeReleases(gateName)).then(resolve);
    }, reuse?.waitMs ?? RELEASE_BATCH_MS);
  });
}

/**
 * A finished request's lease for the next request on this gate, if one is waiting and
 * may still be handed on at `now`: the caller's request holds it from here. The
 * finished request's usage stays queued for the next ride.
 */
export function takeOverLease(gateName: string, now: number): { leaseId: string; reuse: LeaseReuse } | undefined {
  const batch = waiting.get(gateName);
  if (!batch) return undefined;
  for (let i = batch.length - 1; i >= 0; i--) {
    const r = batch[i]!;
    const { leaseId, reuse } = r;
    if (leaseId === undefined || !reuse || reuse.until <= now) continue;
    r.leaseId = undefined; // what is left to deliver is its usage
    return { leaseId, reuse };
  }
  return undefined;
}

/** The releases waiting for this gate, taken out of the queue: the caller delivers them. */
export function takeReleases(gateName: string): ReleaseReport[] {
  const batch = waiting.get(gateName);
  if (!batch) return NONE;
  waiting.delete(gateName);
  return batch.map((r) => {
    r.taken = true;
    return r.leaseId === undefined ? { usage: r.usage } : { leaseId: r.leaseId, usage: r.usage };
  });
}

/** Sends releases in one call (a batch, or those an admission failed to deliver). Never throws. */
export async function sendReleases(gate: DurableObjectStub<KeyGate>, batch: ReleaseReport[]): Promise<void> {
  if (!batch.length) return;
  try {
    await gate.releaseAll(batch);
  } catch (err) {
    // The leases expire by themselves; the gate's alarm reclaims them (and charges what they reserved).
    const leases = batch.flatMap((r) => (r.leaseId === undefined ? [] : [r.leaseId]));
    console.error(JSON.stringify({ msg: 'lease release failed', leases, error: String(err) }));
  }
}

const NONE: ReleaseReport[] = [];
