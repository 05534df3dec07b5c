import { markedDown, type OriginHealth } from '../origins/health-store';
import type { Endpoint } from './schema';

/**
 * An endpoint as the admin API shows it: `state` is `stopped`, or `not_ready`
 * when no origin of the serving config is healthy, else `ready`; `tenant` and
 * `shared_with` name tenants. With `health`, each origin's last known health too.
 */
export function endpointView(e: Endpoint, health: Map<string, OriginHealth>, withOriginHealth = false) {
  const { tenant_id, ...rest } = e;
  const origins = e.served_entities.flatMap((entity) => entity.origins.map((o) => ({ entity: entity.name, url: o.url })));
  const allDown = origins.length > 0 && origins.every((o) => markedDown(health, o.url));
  const state = e.state === 'stopped' ? 'stopped' : allDown ? 'not_ready' : 'ready';
  const view: Record<string, unknown> = { ...rest, tenant: tenant_id, state };
  if (withOriginHealth) {
    view.origin_health = origins.map(({ entity, url }) => {
      const h = health.get(url);
      return {
        served_entity: entity,
        url,
        healthy: h ? (markedDown(health, url) ? false : h.healthy ? true : null) : null,
        checked_at: h?.checked_at ?? null,
        source: h?.source ?? null,
        detail: h?.detail ?? '',
      };
    });
  }
  return view;
}
