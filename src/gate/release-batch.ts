import type { KeyGate } from './key-gate';
import type { ReleaseReport } from './types';

/**
 * How long a finished request's release may wait in its isolate for a ride to the
 * gate. The gate counts the slot as taken for at most this long after the answer,
 * for admissions from other isolates; admissions from this isolate carry the release
 * and never see it.
 */
export const RELEASE_BATCH_MS = 5;

/** A release waiting for a ride; `taken` once an admission or a batch has it. */
interface PendingRelease extends ReleaseReport {
  taken: boolean;
}

/**
 * Releases on their way to a key's gate, per isolate, by the gate's name. A
 * request that ends puts its release here instead of making an RPC of its own:
 * the next admission from this isolate for the same key takes them along
 * (`takeReleases`: the gate applies them first, in the same synchronous step),
 * and a release no admission took within RELEASE_BATCH_MS goes, with every other
 * one waiting for that gate, in one `releaseAll` call. Under load a key's
 * admissions are frequent, so most releases cost no RPC.
 *
 * Every request waits only on its own timer and its own calls: workerd ends a
 * request whose promise another request would have to resolve ("Promise will
 * never complete"), so whoever takes a release owns its delivery.
 */
const waiting = new Map<string, PendingRelease[]>();

/** Queues a release for `gateName`; resolves once it is on its way (or its sending failed: the lease then expires). */
export function queueRelease(gate: DurableObjectStub<KeyGate>, gateName: string, report: ReleaseReport): Promise<void> {
  const pending: PendingRelease = { ...report, taken: false };
  const batch = waiting.get(gateName);
  if (batch) batch.push(pending);
  else waiting.set(gateName, [pending]);
  return new Promise<void>((resolve) => {
    setTimeout(() => {
      if (pending.taken) return resolve();
      sendReleases(gate, takeReleases(gateName)).then(resolve);
    }, RELEASE_BATCH_MS);
  });
}

/** The releases waiting for this gate, taken out of the queue: the caller delivers them. */
export function takeReleases(gateName: string): ReleaseReport[] {
  const batch = waiting.get(gateName);
  if (!batch) return NONE;
  waiting.delete(gateName);
  return batch.map((r) => {
    r.taken = true;
    return { leaseId: r.leaseId, usage: r.usage };
  });
}

/** Sends releases in one call (a batch, or those an admission failed to deliver). Never throws. */
export async function sendReleases(gate: DurableObjectStub<KeyGate>, batch: ReleaseReport[]): Promise<void> {
  if (!batch.length) return;
  try {
    await gate.releaseAll(batch);
  } catch (err) {
    // The leases expire by themselves; the gate's alarm reclaims them (and charges what they reserved).
    const leases = batch.map((r) => r.leaseId);
    console.error(JSON.stringify({ msg: 'lease release failed', leases, error: String(err) }));
  }
}

const NONE: ReleaseReport[] = [];
