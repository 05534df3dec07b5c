import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../env';
import { recordRefusal } from '../metrics/hooks';
import { ApiError } from '../http/api-error';
import { protocolForPath, renderError } from '../http/error-renderers';

/** Every error leaves as JSON in the route's protocol; unexpected ones are logged (without bodies) as 500. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  const protocol = protocolForPath(c.req.path);
  recordRefusal(c, err);
  if (err instanceof ApiError) return renderError(protocol, err);
  if (err instanceof HTTPException) return renderError(protocol, new ApiError(err.status, err.message || 'Request refused'));
  console.error(JSON.stringify({ msg: 'unhandled error', request_id: c.var.requestId, path: c.req.path, error: String(err), stack: err.stack }));
  return renderError(protocol, new ApiError(500, 'Internal error in the router', { code: 'internal_error' }));
}

/** No route matched: 405 with `Allow` when the path has routes for other methods, else 404. */
export function handleNotFound(c: Context<AppEnv>, allowed: string[] = []): Response {
  const protocol = protocolForPath(c.req.path);
  if (allowed.length > 0) {
    return renderError(
      protocol,
      new ApiError(405, `Method ${c.req.method} is not allowed on ${c.req.path}; use ${allowed.filter((m) => m !== 'HEAD').join(' or ')}`, {
        code: 'method_not_allowed',
        headers: { allow: allowed.join(', ') },
      }),
    );
  }
  return renderError(protocol, new ApiError(404, `No route for ${c.req.method} ${c.req.path}`, { code: 'route_not_found' }));
}
