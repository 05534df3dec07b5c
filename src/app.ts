import { Hono } from 'hono';
import { adminRoutes } from './api/admin';
import { anthropicRoutes } from './api/anthropic';
import { errorResponse, notFoundResponse } from './api/error-handler';
import { openaiRoutes } from './api/openai';
import { prometheusRoutes } from './api/prometheus';
import { owningGroup } from './api/route-group';
import { teiRoutes } from './api/tei';
import { tgiRoutes } from './api/tgi';
import { consoleRoutes } from './console/serve';
import { methodsForPath } from './http/method-not-allowed';
import { everyResponse } from './http/every-response';
import type { RouterEnv } from './http/router-env';

/**
 * The router: request ids and cross-origin headers (src/http/every-response.ts), then the route groups — the admin API and `/metrics`
 * (OpenAI-shaped errors), and the inference APIs, each answering errors in its
 * own protocol (src/api/route-group.ts) — and JSON errors for everything else.
 */
export const app = new Hono<RouterEnv>();

const groups = [adminRoutes, prometheusRoutes, openaiRoutes, anthropicRoutes, tgiRoutes, teiRoutes] as const;

app.use('*', everyResponse());
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.get('/openapi.json', async (c) => (await import('./openapi/serve')).openApiJson(c));
app.get('/docs', async (c) => (await import('./openapi/serve')).docsPage(c));
app.route('/', adminRoutes);
app.route('/', prometheusRoutes);
app.route('/', consoleRoutes);
app.route('/', openaiRoutes);
app.route('/', anthropicRoutes);
app.route('/', tgiRoutes);
app.route('/', teiRoutes);
const ownMethods = methodsForPath(() => app.routes);
app.notFound((c) =>
  notFoundResponse(c, (path) => {
    const owner = owningGroup(groups, path);
    const allowed = owner ? [] : ownMethods(path);
    return owner ?? (allowed.length > 0 ? { protocol: 'openai', allowed } : null);
  }),
);
app.onError((err, c) => errorResponse('openai', err, c));
