import { originModelOf, type Endpoint, type ServedEntity } from '../endpoints/schema';
import { errors } from '../http/errors';
import { firstRetryAt, healthMap } from './health-store';
import { outliers } from './outlier-detector';
import { entityOrigins } from './entity-origins';
import { selectOrigins, type Origin } from './select';

/**
 * The origins this request may try, best first. Only the cron probe's marks can
 * leave none (passive ejections fall back to panic routing): then 503 at once,
 * before the request takes a concurrency slot, with `Retry-After` saying when the
 * first mark stops counting.
 */
export async function candidateOrigins(
  db: D1Database,
  endpoint: Endpoint,
  entity: ServedEntity,
  affinityKey?: string,
  /** The model id the request sends the origin (outlier scopes are per origin and model); the entity's by default. */
  model: string = originModelOf(entity),
): Promise<Origin[]> {
  const health = await healthMap(db);
  const origins = entityOrigins(entity);
  const candidates = selectOrigins(origins, model, { health, outliers, affinityKey });
  if (candidates.length === 0) {
    const now = Date.now();
    const retryAfter = Math.max(
      1,
      Math.ceil(
        (firstRetryAt(
          health,
          origins.map((o) => o.url),
        ) -
          now) /
          1000,
      ),
    );
    throw errors.noHealthyOrigin(entity.name, endpoint.name, retryAfter);
  }
  return candidates;
}
