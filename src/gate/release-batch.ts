import type { KeyGate } from './key-gate';
import type { ReleaseReport, UsageReport, UsageTally } from './types';

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
 * the key has room: at most half its limit in flight at the gate's last count (this
 * isolate's latest admission by the gate). Under load, the next admission from this
 * isolate may come long after a request ends, because the isolate's thread is busy;
 * waiting longer lets it take the lease over instead of asking the gate. A slot held
 * this way is far from the key's limit, so it is unlikely to refuse anyone elsewhere;
 * near the limit, releases wait RELEASE_BATCH_MS.
 */
export const RELEASE_WAIT_WITH_ROOM_MS = 100;

/** A release waiting for a ride. */
interface PendingRelease {
  leaseId: string;
  usage: UsageReport;
  /** An admission or a batch has it, or its lease was taken over: its owner is done with it. */
  taken: boolean;
  /** When the gate granted the lease, if the next admission on the key may take it over (null: it may not). */
  grantedAt: number | null;
}

/**
 * What this isolate last heard from a key's gate: when (the time a call was sent that the
 * gate answered without refusing the key as revoked), how long a free lease waits, and
 * whether a refresh of it is on its way.
 */
interface HeardWord {
  at: number;
  waitMs: number;
  refreshing: boolean;
}

/**
 * Releases on their way to a key's gate, per isolate, by the gate's name. A
 * request that ends puts its release here instead of making an RPC of its own:
 * - the next admission from this isolate for the same key may take its lease over
 *   (`takeOverLease`) when neither request counts against a rate or token window
 *   and the gate admitted a request on the key from this isolate less than the reuse
 *   span ago (`Config.leaseReuseMs`), and granted the lease itself less than a third of
 *   its TTL ago (the hand-on does not renew it).
 *   The slot passes from one request to the next without a word to the gate, and
 *   the finished request's usage joins a tally per endpoint, for the next ride;
 * - an admission that has to ask the gate takes every waiting release along
 *   (`takeReleases`: the gate applies them first, in the same synchronous step);
 * - a release that nobody took within RELEASE_BATCH_MS (RELEASE_WAIT_WITH_ROOM_MS for
 *   a lease that may be handed on, while its key has room) goes, with every other
 *   one waiting for that gate, in one `releaseAll` call.
 * Under load a key's admissions are frequent, so most requests cost the gate nothing,
 * and most of the rest one call. A lease is handed on only while the gate admitted a
 * request on the key from this isolate less than the reuse span ago (`confirmKey`), so
 * the isolate hears from the gate about every key it serves at least that often: a
 * revocation refuses new requests in every isolate within that span (at once in the
 * isolate that revoked: its key cache forgets the key, so the next request reads it
 * revoked).
 *
 * Every request waits only on its own timer and its own calls: workerd ends a
 * request whose promise another request would have to resolve ("Promise will
 * never complete"), so whoever takes a release owns its delivery.
 */
const waiting = new Map<string, PendingRelease[]>();

/** The usage of requests whose leases were taken over, by gate name and endpoint: it rides with the next call. */
const tallies = new Map<string, Map<string, UsageTally>>();

/**
 * By gate name, in the order the words came (the oldest first): past KEY_WORDS_KEPT keys the
 * oldest word is dropped, and that key's next admission asks the gate.
 */
const heard = new Map<string, HeardWord>();
const KEY_WORDS_KEPT = 10_000;

/**
 * The gate just admitted a request on this key from this isolate (`at`, taken before
 * the call: the key was not revoked then); `roomy`: at most half its limit was in flight.
 */
export function confirmKey(gateName: string, at: number, roomy: boolean): void {
  heard.delete(gateName); // re-inserted last: the map stays in the order the words came
  if (heard.size >= KEY_WORDS_KEPT) heard.delete(heard.keys().next().value!);
  heard.set(gateName, { at, waitMs: roomy ? RELEASE_WAIT_WITH_ROOM_MS : RELEASE_BATCH_MS, refreshing: false });
}

/**
 * Should an admission that took a lease over also refresh the key's word (`refreshKey`)?
 * Once half the reuse span has passed, and no refresh is on its way: the word is renewed
 * before it goes stale, so under steady traffic no admission waits for an acquire.
 */
export function needsRefresh(gateName: string, now: number, reuseMs: number): boolean {
  const word = heard.get(gateName);
  return word !== undefined && !word.refreshing && now - word.at >= reuseMs / 2;
}

/**
 * One `releaseAll` call with what waits for the gate but the leases that may still be
 * taken over (finished requests' releases, the tallies), whose answer renews the key's
 * word (sent at `now`), or forgets it when the key is revoked. Never throws. Runs in the
 * `waitUntil` of the admission that called it, off its path.
 */
export async function refreshKey(
  gate: DurableObjectStub<KeyGate>,
  gateName: string,
  now: number,
  limit: number,
): Promise<void> {
  const word = heard.get(gateName);
  if (word) word.refreshing = true;
  const carried = takeReleases(gateName, true);
  try {
    const answer = await gate.releaseAll(carried);
    if (answer.revoked) forgetKey(gateName);
    else confirmKey(gateName, now, answer.inFlight * 2 <= limit);
  } catch (err) {
    // As a failed batch; the word goes stale, and the next admission asks the gate.
    logLost(carried, err);
  } finally {
    const current = heard.get(gateName);
    if (current) current.refreshing = false;
  }
}

/** The gate refused a request on this key as revoked: no lease of it is handed on here any more. */
export function forgetKey(gateName: string): void {
  heard.delete(gateName);
}

/**
 * Queues a release for `gateName` (`gate` gives its stub, asked for only if it has to
 * go on its own); resolves once it is on its way or its lease was taken over (or its
 * sending failed: the lease then expires). `grantedAt`: when the gate granted the lease,
 * if the next admission on the key may take it over.
 */
export function queueRelease(
  gate: () => DurableObjectStub<KeyGate>,
  gateName: string,
  report: { leaseId: string; usage: UsageReport },
  grantedAt: number | null = null,
): Promise<void> {
  const pending: PendingRelease = { ...report, taken: false, grantedAt };
  const batch = waiting.get(gateName);
  if (batch) batch.push(pending);
  else waiting.set(gateName, [pending]);
  const waitMs = grantedAt !== null ? (heard.get(gateName)?.waitMs ?? RELEASE_BATCH_MS) : RELEASE_BATCH_MS;
  return new Promise<void>((resolve) => {
    setTimeout(() => {
      // Sent, or taken over (its lease runs on, and its usage rides with the next call of the key's requests here).
      if (pending.taken) return resolve();
      sendReleases(gate(), takeReleases(gateName)).then(resolve);
    }, waitMs);
  });
}

/**
 * A finished request's lease for the next request on this gate, if one is waiting, was
 * granted less than `maxLeaseAgeMs` ago, and the gate admitted a request on the key from
 * this isolate less than `reuseMs` before `now`: the caller's request holds it from here.
 * The finished request's usage joins the gate's tally, for the next ride.
 */
export function takeOverLease(
  gateName: string,
  now: number,
  reuseMs: number,
  maxLeaseAgeMs: number,
): { leaseId: string; grantedAt: number } | undefined {
  const batch = waiting.get(gateName);
  if (!batch) return undefined;
  const word = heard.get(gateName);
  if (!word || now - word.at >= reuseMs) return undefined;
  for (let i = batch.length - 1; i >= 0; i--) {
    const r = batch[i]!;
    // A lease is granted for a TTL the hand-on does not renew: one older than `maxLeaseAgeMs` goes back to the gate.
    if (r.grantedAt === null || now - r.grantedAt >= maxLeaseAgeMs) continue;
    batch.splice(i, 1);
    r.taken = true;
    count(gateName, r.usage);
    return { leaseId: r.leaseId, grantedAt: r.grantedAt };
  }
  return undefined;
}

/** Adds a finished request's usage to its gate's tally. */
function count(gateName: string, usage: UsageReport): void {
  let byEndpoint = tallies.get(gateName);
  if (!byEndpoint) tallies.set(gateName, (byEndpoint = new Map()));
  let tally = byEndpoint.get(usage.endpoint);
  if (!tally) {
    tally = { endpoint: usage.endpoint, completed: 0, aborted: 0, failed: 0, promptTokens: 0, completionTokens: 0 };
    byEndpoint.set(usage.endpoint, tally);
  }
  tally[usage.outcome]++;
  tally.promptTokens += usage.promptTokens;
  tally.completionTokens += usage.completionTokens;
}

/**
 * The releases waiting for this gate, taken out of the queue: the caller delivers them.
 * `leaveReusable`: leases that may still be taken over stay (their own timers send them).
 */
export function takeReleases(gateName: string, leaveReusable = false): ReleaseReport[] {
  const batch = waiting.get(gateName);
  const byEndpoint = tallies.get(gateName);
  if (!batch && !byEndpoint) return NONE;
  const left: PendingRelease[] = [];
  const reports: ReleaseReport[] = [];
  for (const r of batch ?? NO_PENDING) {
    if (leaveReusable && r.grantedAt !== null) {
      left.push(r);
      continue;
    }
    r.taken = true;
    reports.push({ leaseId: r.leaseId, usage: r.usage });
  }
  if (left.length) waiting.set(gateName, left);
  else waiting.delete(gateName);
  tallies.delete(gateName);
  for (const tally of byEndpoint?.values() ?? []) reports.push({ tally });
  return reports;
}

/** Sends releases in one call (a batch, or those an admission failed to deliver). Never throws. */
export async function sendReleases(gate: DurableObjectStub<KeyGate>, batch: ReleaseReport[]): Promise<void> {
  if (!batch.length) return;
  try {
    await gate.releaseAll(batch);
  } catch (err) {
    logLost(batch, err);
  }
}

/** A batch that did not reach the gate: its leases expire by themselves (the gate's alarm reclaims them, and charges what they reserved). */
function logLost(batch: ReleaseReport[], err: unknown): void {
  const leases = batch.flatMap((r) => ('leaseId' in r ? [r.leaseId] : []));
  console.error(JSON.stringify({ msg: 'lease release failed', leases, error: String(err) }));
}

const NONE: ReleaseReport[] = [];
const NO_PENDING: PendingRelease[] = [];
