import { Hono, type Context, type Next } from 'hono';
import type { RouterEnv } from '../http/router-env';
import { errors } from '../http/errors';

/**
 * The web console: `GET /` (its one HTML page) and `GET /console/*` (its script and
 * stylesheet), read from Workers Static Assets (the `ASSETS` binding, built into
 * dist/web by scripts/build-console.ts). wrangler.toml sets `run_worker_first`, so the
 * inference routes never pay an asset lookup and every console response leaves
 * through here with the security headers below — its errors too (a missing file, no
 * ASSETS binding, a path or method with no console route), which the shared error
 * and not-found handlers render.
 */
export const consoleRoutes = new Hono<RouterEnv>();

/**
 * No inline script or style, nothing from another origin, no framing, no plugins, no
 * form posts: the page's only code is /console/app.js and it talks only to this origin.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  // The key is pasted into the page: nothing the console serves is worth caching without revalidation.
  'cache-control': 'no-cache',
};

async function fromAssets(c: Context<RouterEnv>, path: string): Promise<Response> {
  if (!c.env.ASSETS) throw errors.consoleUnavailable();
  const asset = await c.env.ASSETS.fetch(new URL(path, c.req.url), { method: 'GET', headers: c.req.raw.headers });
  if (asset.status === 404) throw errors.consoleFileNotFound(c.req.path);
  return new Response(asset.body, asset); // the asset's own headers are immutable
}

/**
 * The security headers on whatever leaves the console's paths: by then an error thrown
 * below has been rendered by the app's error handler (hono renders it where it was
 * thrown), and a path or method without a route by its not-found handler.
 */
async function secured(c: Context<RouterEnv>, next: Next): Promise<void> {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
}

consoleRoutes.use('/', secured);
consoleRoutes.use('/console', secured);
consoleRoutes.use('/console/*', secured);
consoleRoutes.get('/', (c) => fromAssets(c, '/'));
/** A console file's name: one plain name (the router decodes `%2e%2e%2f` into the param, so `..` and `/` are refused here). */
const CONSOLE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

consoleRoutes.get('/console/:file', (c) => {
  const file = c.req.param('file');
  if (!CONSOLE_FILE.test(file)) throw errors.consoleFileNotFound(c.req.path);
  return fromAssets(c, `/console/${file}`);
});
