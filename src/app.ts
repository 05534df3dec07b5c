import { Hono } from 'hono';
import { adminRoutes } from './api/admin';
import { anthropicRoutes } from './api/anthropic';
import { authenticate } from './auth/authenticate';
import { openaiRoutes } from './api/openai';
import { prometheusRoutes } from './api/prometheus';
import { teiRoutes } from './api/tei';
import { tgiRoutes } from './api/tgi';
import { consoleRoutes } from './console/serve';
import type { AppEnv } from './env';
import { handleError, handleNotFound } from './api/error-handler';
import { methodsForPath } from './http/method-not-allowed';
import { requestId } from './http/request-id';

/** The router: request ids, the admin API, the inference APIs, and JSON errors for everything else. */
export const app = new Hono<AppEnv>();

app.use('*', requestId());
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.get('/openapi.json', async (c) => (await import('./openapi/serve')).openApiJson(c));
app.get('/docs', async (c) => (await import('./openapi/serve')).docsPage(c));
app.route('/admin/v1', adminRoutes);
app.route('/', prometheusRoutes);
// Inference auth for every /v1 route group (OpenAI, Responses, Anthropic Messages).
app.use('/v1/*', authenticate());
app.use('/endpoints/:name/v1/*', authenticate());
app.route('/', consoleRoutes);
app.route('/', openaiRoutes);
app.route('/', anthropicRoutes);
app.route('/', tgiRoutes);
app.route('/', teiRoutes);
const allowedMethods = methodsForPath(() => app.routes);
app.notFound((c) => handleNotFound(c, allowedMethods(c.req.path)));
app.onError(handleError);
