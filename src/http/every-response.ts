import type { MiddlewareHandler } from 'hono';
import { allowCrossOrigin, crossOrigin, preflight } from './cors';
import type { RouterEnv } from './router-env';

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * What every response carries, in the one middleware every request passes (one await, not one per concern): the
 * request id — the client's X-Request-Id when it is sane, else a new one — echoed on the response, and the
 * cross-origin headers of the inference APIs (src/http/cors.ts), whose browser preflights it answers itself.
 */
export const everyResponse = (): MiddlewareHandler<RouterEnv> => async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && VALID_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', id);
  const early = preflight(c.req.raw, c.req.path);
  if (early) {
    early.headers.set('x-request-id', id);
    return early;
  }
  await next();
  c.res.headers.set('x-request-id', id);
  if (crossOrigin(c.req.path)) allowCrossOrigin(c.res.headers);
};
