import { isExternal, type ServedEntity } from '../endpoints/schema';
import { providerApi } from '../external/provider';
import type { Origin } from './select';

/** The origins a served entity is reached at: its own, or for an external model its provider's API base. */
export function entityOrigins(entity: ServedEntity): Origin[] {
  return isExternal(entity) ? [{ url: providerApi(entity).base }] : entity.origins;
}

/** An entity's origin URLs, the pool outlier detection counts shares in: one array per entity object. */
const pools = new WeakMap<ServedEntity, string[]>();

/**
 * The served entity's pool of origin URLs, built once per entity object (the endpoint cache hands
 * out the same objects, so a request reuses its entity's array instead of mapping the origins again).
 */
export function entityPool(entity: ServedEntity): string[] {
  let pool = pools.get(entity);
  if (!pool) pools.set(entity, (pool = entityOrigins(entity).map((o) => o.url)));
  return pool;
}
