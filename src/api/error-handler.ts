import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { RouterEnv } from '../http/router-env';
import { ApiError, errors } from '../http/errors';
import { renderError, type ErrorProtocol } from '../http/error-renderers';

/** Any error as `protocol`'s JSON error body; an unexpected one is logged (without bodies) and answers 500. */
export function errorResponse<E extends RouterEnv>(protocol: ErrorProtocol, err: Error, c: Context<E>): Response {
  if (err instanceof ApiError) return renderError(protocol, err);
  if (err instanceof HTTPException) return renderError(protocol, errors.httpException(err.status, err.message));
  console.error(
    JSON.stringify({
      msg: 'unhandled error',
      request_id: c.get('requestId'),
      path: c.req.path,
      error: String(err),
      stack: err.stack,
    }),
  );
  return renderError(protocol, errors.internal());
}

/** The route group a path belongs to (its protocol), and the methods it has routes for there. */
export type PathOwner = { protocol: ErrorProtocol; allowed: string[] } | null;

/**
 * No route matched. The route group whose path it is answers 405 with `Allow` in its
 * protocol when the path has routes for other methods; anything else is a 404. A
 * known path with a trailing slash is a 404 in its group's protocol that names the
 * path without it (routes take none; the 405 check's patterns take it as optional,
 * so it is answered before).
 */
export function notFoundResponse(c: Context<RouterEnv>, ownerOf: (path: string) => PathOwner): Response {
  const path = c.req.path;
  // The root is a path of its own (the console's page), not an empty one with a trailing slash.
  const bare = path === '/' ? path : path.replace(/\/+$/, '');
  if (bare !== path) {
    const owner = bare === '' ? null : ownerOf(bare);
    if (owner) return renderError(owner.protocol, errors.trailingSlash(c.req.method, path, bare));
    return renderError(nearestOwner(bare, ownerOf)?.protocol ?? 'openai', errors.routeNotFound(c.req.method, path));
  }
  const owner = ownerOf(path);
  if (owner && owner.allowed.length > 0) {
    const usable = owner.allowed.filter((m) => m !== 'HEAD').join(' or ');
    return renderError(owner.protocol, errors.methodNotAllowed(c.req.method, path, usable, owner.allowed));
  }
  const single = path.replace(/\/{2,}/g, '/');
  const singleOwner = single !== path && single !== '/' ? ownerOf(single) : null;
  if (singleOwner) return renderError(singleOwner.protocol, errors.doubledSlash(c.req.method, path, single));
  return renderError(nearestOwner(single, ownerOf)?.protocol ?? 'openai', errors.routeNotFound(c.req.method, path));
}

/**
 * The owner of the nearest known path above `path`, whose protocol an unknown path under it answers in: an
 * Anthropic client asking for `/v1/messages/count_tokens` reads an Anthropic error, a TGI one under `/generate` TGI's.
 */
function nearestOwner(path: string, ownerOf: (path: string) => PathOwner): PathOwner {
  for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
    const owner = ownerOf(path.slice(0, end));
    if (owner) return owner;
  }
  return null;
}
