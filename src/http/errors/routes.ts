import { ApiError } from '../api-error';

/** Routing refusals (404, 405), the console's, a refusal raised by hono itself, and the 500 for the unexpected. */
export const routeErrors = {
  routeNotFound: (method: string, path: string) =>
    new ApiError(404, `No route for ${method} ${path}`, { code: 'route_not_found' }),
  /** A known path called with a trailing slash (`bare` is the path without it). */
  trailingSlash: (method: string, path: string, bare: string) =>
    new ApiError(404, `No route for ${method} ${path}: the path is ${bare}, without the trailing slash`, {
      code: 'route_not_found',
    }),
  /** A known path written with a doubled slash (a base URL ending in `/` joined to a path starting with one). */
  doubledSlash: (method: string, path: string, single: string) =>
    new ApiError(404, `No route for ${method} ${path}: the path is ${single}, with single slashes`, {
      code: 'route_not_found',
    }),
  methodNotAllowed: (method: string, path: string, usable: string, allowed: string[]) =>
    new ApiError(405, `Method ${method} is not allowed on ${path}; use ${usable}`, {
      code: 'method_not_allowed',
      headers: { allow: allowed.join(', ') },
    }),
  consoleUnavailable: () =>
    new ApiError(503, 'The console is not deployed with this Worker (no ASSETS binding)', {
      code: 'console_unavailable',
    }),
  consoleFileNotFound: (path: string) => new ApiError(404, `No console file at ${path}`, { code: 'route_not_found' }),
  /** A refusal hono raised (an HTTPException): its status and message, with no code. */
  httpException: (status: number, message: string) => new ApiError(status, message || 'Request refused'),
  internal: () => new ApiError(500, 'Internal error in the router', { code: 'internal_error' }),
};
