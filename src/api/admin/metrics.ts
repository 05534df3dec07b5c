import { Hono } from 'hono';
import type { AdminEnv } from './admin-auth';
import { validateQuery } from '../../http/validate';
import { parseMetricsQuery } from '../../metrics/query-params';
import { MetricsQueryParams } from '../../metrics/query-schema';
import type { SeriesRow } from '../../metrics/endpoint-metrics';
import { metricsObject } from '../../metrics/recorder';
import { metricsView } from '../../metrics/series';
import { ownEndpoint } from './endpoint-access';

/**
 * An endpoint's metrics over time (for the dashboard and scripts); Prometheus reads `GET /metrics` instead.
 * For the endpoint's own tenant and org admins only: the series name its served entities and origins and show
 * its traffic, which a tenant it is shared with does not see (404, as for `/versions`).
 */
export const metricsAdmin = new Hono<AdminEnv>();

metricsAdmin.get('/admin/v1/endpoints/:name/metrics', async (c) => {
  const endpoint = await ownEndpoint(c);
  const q = parseMetricsQuery(validateQuery(MetricsQueryParams, c.req.query()));
  // RPC results lose their tuple types on the way; the rows are SeriesRow tuples.
  const rows = (await metricsObject(c.env, endpoint).range(
    q.resolution,
    q.since,
    q.until,
    q.stepMs,
  )) as unknown as SeriesRow[];
  const view = metricsView(
    rows,
    q.since,
    q.stepMs,
    q.steps,
    endpoint.served_entities.map((e) => e.name),
  );
  return c.json({
    object: 'endpoint.metrics',
    endpoint: endpoint.name,
    since: new Date(q.since).toISOString(),
    until: new Date(q.until).toISOString(),
    step: q.stepMs / 1000,
    resolution: q.resolution,
    ...view,
  });
});
