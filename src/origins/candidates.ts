import type { Endpoint, ServedEntity } from '../endpoints/schema';
import { ApiError } from '../http/api-error';
import { breakers } from './breaker';
import { healthMap, recordHealth } from './health-store';
import { selectOrigins, type Origin } from './select';

/**
 * The origins this request may try, best first; none healthy → 503 at once,
 * before the request takes a concurrency slot.
 */
export async function candidateOrigins(db: D1Database, endpoint: Endpoint, entity: ServedEntity, affinityKey?: string): Promise<Origin[]> {
  const health = await healthMap(db);
  const candidates = selectOrigins(entity.origins, { health, breakers, affinityKey });
  if (candidates.length === 0) {
    throw new ApiError(
      503,
      `No healthy origin for served entity '${entity.name}' of endpoint '${endpoint.name}': every origin is failing its health checks or was ejected after consecutive failures`,
      { type: 'server_error', code: 'no_healthy_origin', headers: { 'retry-after': '5' } },
    );
  }
  return candidates;
}

/** A breaker opened in this isolate: mark the origin down for every isolate (until the mark ages out or a probe clears it). */
export function recordEjection(db: D1Database, url: string, detail: string): Promise<void> {
  return recordHealth(db, [{ url, healthy: false, checked_at: new Date().toISOString(), source: 'passive', detail }]).catch((err: unknown) => {
    console.error(JSON.stringify({ msg: 'recording an ejection failed', error: String(err) }));
  });
}
