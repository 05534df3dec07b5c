import type { SelfHostedEntity } from '../endpoints/schema';
import { markedDown, type OriginHealth } from './health-store';
import type { OutlierDetector } from './outlier-detector';

export type Origin = SelfHostedEntity['origins'][number];

export interface Selection {
  health: Map<string, OriginHealth>;
  outliers: OutlierDetector;
  /** A session key (`user`, or an `x-session-id` header): the same key goes to the same healthy origin. */
  affinityKey?: string;
  random?: () => number;
}

/**
 * The origins one request may try for `model`, best first. Origins the cron
 * probe marked down are left out; so are those this isolate's outlier detector
 * ejected for this model (or holds in a half-open trial) — unless that leaves
 * none, then every origin the probe did not mark down is tried anyway (panic
 * mode: refusing would be certain failure, routing may succeed). With a session
 * key, rendezvous hashing keeps a session on one origin while it stays healthy;
 * otherwise the origin with the fewest outstanding requests in this isolate
 * comes first, and ties are broken by a weighted draw (so idle origins share the
 * traffic in proportion to their weights).
 */
export function selectOrigins(origins: Origin[], model: string, sel: Selection, now = Date.now()): Origin[] {
  const up = origins.filter((o) => !markedDown(sel.health, o.url, now));
  const available = up.filter((o) => sel.outliers.available(o.url, model, now));
  const usable = available.length > 0 ? available : up;
  const random = sel.random ?? Math.random;
  if (sel.affinityKey !== undefined) {
    const key = sel.affinityKey;
    return usable
      .map((o) => ({ o, score: -(o.weight ?? 1) / Math.log(rendezvous(key, o.url)) })) // weighted rendezvous hashing
      .sort((a, b) => b.score - a.score)
      .map((x) => x.o);
  }
  return usable
    .map((o) => ({ o, outstanding: sel.outliers.outstanding(o.url), tie: random() ** (1 / (o.weight ?? 1)) }))
    .sort((a, b) => a.outstanding - b.outstanding || b.tie - a.tie)
    .map((x) => x.o);
}

/** A stable pseudo-random score in (0, 1) for (key, origin): each hashed (FNV-1a, murmur3 finalizer), then mixed. */
function rendezvous(key: string, url: string): number {
  const h = fmix32((fmix32(fnv1a(key)) ^ Math.imul(fmix32(fnv1a(url)), 0x9e3779b1)) >>> 0);
  return (h + 1) / 0x100000002;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
