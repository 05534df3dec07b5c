import type { Endpoint, ServedEntity } from './schema';

/** Picks the served entity for one request by the endpoint's traffic percentages. */
export function pickServedEntity(endpoint: Endpoint, roll = Math.random() * 100): ServedEntity {
  let cumulative = 0;
  for (const route of endpoint.traffic) {
    cumulative += route.percentage;
    if (roll < cumulative) {
      const entity = endpoint.served_entities.find((e) => e.name === route.served_entity);
      if (entity) return entity;
    }
  }
  const fallback = endpoint.served_entities.find((e) =>
    endpoint.traffic.some((r) => r.served_entity === e.name && r.percentage > 0),
  );
  return fallback ?? endpoint.served_entities[0]!;
}
