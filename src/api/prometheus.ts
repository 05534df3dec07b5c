import { entityOrigins } from '../origins/entity-origins';
import { adminAuth } from './admin/admin-auth';
import { EndpointStore } from '../endpoints/store';
import { healthMap, markedDown } from '../origins/health-store';
import type { TotalRow } from '../metrics/endpoint-metrics';
import { renderPrometheus, type EndpointTotals } from '../metrics/prometheus';
import { metricsObject } from '../metrics/recorder';
import { originLabel } from '../metrics/series-keys';
import { adminRoutesGroup } from './route-group';

/**
 * `GET /metrics`: Prometheus' text format, for a scraper holding the ADMIN_TOKEN
 * or a platform key: the ADMIN_TOKEN and org admins every endpoint, a tenant principal its own tenant's
 * endpoints only. Endpoints shared with its tenant are left out: their labels name the owner's served
 * entities and origins, and the figures are the owner's traffic (see README, Sharing).
 */
export const prometheusRoutes = adminRoutesGroup();

/** One scrape covers at most this many endpoints (a tenant's own are bounded by its quota). */
const SCRAPE_MAX_ENDPOINTS = 5_000;

prometheusRoutes.get('/metrics', adminAuth(), async (c) => {
  const principal = c.get('principal');
  // Scoped in SQL: a tenant principal's scrape reads its own tenant's endpoints only (not those shared with it).
  const endpoints = await new EndpointStore(c.env.DB).ownedPage(principal.tenantId, '', SCRAPE_MAX_ENDPOINTS);
  const health = await healthMap(c.env.DB);
  const all = await Promise.all(
    endpoints.map(async (e): Promise<EndpointTotals> => {
      // RPC results lose their tuple types on the way; these are TotalRow tuples.
      const { totals, lastMinuteBusy } = (await metricsObject(c.env, e).totals()) as unknown as {
        totals: TotalRow[];
        lastMinuteBusy: TotalRow[];
      };
      return {
        endpoint: e.name,
        totals,
        lastMinuteBusy,
        health: e.served_entities.flatMap((entity) =>
          entityOrigins(entity).map((o) => ({
            served_entity: entity.name,
            origin: originLabel(o.url),
            healthy: !markedDown(health, o.url),
          })),
        ),
      };
    }),
  );
  return c.body(renderPrometheus(all), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
});
