import type { ServedEntity } from '../endpoints/schema';

type Origin = ServedEntity['origins'][number];

/**
 * The order in which one request tries a served entity's origins: the first is
 * drawn by weight (so load spreads), the rest follow in list order as failover.
 */
export function originOrder(origins: Origin[], roll = Math.random()): Origin[] {
  if (origins.length <= 1) return origins;
  const total = origins.reduce((sum, o) => sum + (o.weight ?? 1), 0);
  let point = roll * total;
  let first = 0;
  for (let i = 0; i < origins.length; i++) {
    point -= origins[i]!.weight ?? 1;
    if (point < 0) {
      first = i;
      break;
    }
  }
  return [...origins.slice(first), ...origins.slice(0, first)];
}

/** Joins an origin base URL (which may carry a path prefix) and a route path. */
export function originUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
