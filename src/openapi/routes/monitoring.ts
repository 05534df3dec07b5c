import { MetricsQueryParams } from '../../metrics/query-schema';
import { adminErrors } from '../error-responses';
import type { RouteSpec } from '../route-spec';
import { EndpointMetricsObject, PrometheusText } from '../shapes/metrics';

/** Metrics (src/api/admin/metrics.ts, src/api/prometheus.ts). */
export const monitoringRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/admin/v1/endpoints/{name}/metrics',
    operationId: 'getEndpointMetrics',
    tag: 'Monitoring',
    auth: 'adminToken',
    summary: "An endpoint's metrics over time",
    description:
      'Requests by outcome and status class, refusals by reason, p50/p95/p99 latency, time to first token and inter-token gap (from fixed-bucket histograms), tokens and tokens/s, mean in-flight, failovers and attempts per origin; one value per `step` from `since` to `until`. For the endpoint’s own tenant and org admins: a tenant the endpoint is shared with gets 404.',
    query: MetricsQueryParams,
    responses: {
      200: { description: 'The series', json: EndpointMetricsObject },
      ...adminErrors([400, 401, 403, 404], { 400: 'Invalid `since`, `until` or `step`; `error.param` names it' }),
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getPrometheusMetrics',
    tag: 'Monitoring',
    auth: 'adminToken',
    summary: 'Prometheus metrics of the caller’s endpoints',
    description:
      'Counters and histograms labelled `endpoint`, `served_entity`, and `outcome`/`status`, `reason`, `origin`, `result` where they apply. Scrape with the `ADMIN_TOKEN` or an org admin key (every endpoint) or a platform key (its own tenant’s endpoints, not those shared with it).',
    responses: {
      200: { description: 'Text exposition format', files: { mediaTypes: ['text/plain'], schema: PrometheusText } },
      ...adminErrors([401, 403], {}),
    },
  },
];
