import { externalProblem } from '../../external/provider';
import { markedDown, type OriginHealth } from '../../origins/health-store';
import { isExternal, type Endpoint } from '../../endpoints/schema';

/**
 * An endpoint as the admin API shows it: `state` is `stopped`, or `not_ready`
 * when no origin of the serving config is healthy or an external model's secret
 * is missing (`state_reason` says which), else `ready`; `tenant` and
 * `shared_with` name tenants. With `health`, each origin's last known health too.
 */
export function endpointView(e: Endpoint, health: Map<string, OriginHealth>, env: Env, withOriginHealth = false) {
  const { tenant_id, ...rest } = e;
  const origins = e.served_entities.flatMap((entity) =>
    isExternal(entity) ? [] : entity.origins.map((o) => ({ entity: entity.name, url: o.url })),
  );
  const allDown = origins.length > 0 && origins.every((o) => markedDown(health, o.url));
  const secretProblems = e.served_entities
    .flatMap((entity) => (isExternal(entity) ? [externalProblem(entity, env, tenant_id)] : []))
    .filter((p) => p !== null);
  const reason =
    e.state === 'stopped'
      ? ''
      : secretProblems.length
        ? secretProblems.join('; ')
        : allDown
          ? 'no origin of the serving config is healthy'
          : '';
  const state = e.state === 'stopped' ? 'stopped' : reason ? 'not_ready' : 'ready';
  const view: Record<string, unknown> = { ...rest, tenant: tenant_id, state, state_reason: reason };
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
