import type { MiddlewareHandler } from 'hono';
import type { RouterEnv } from './router-env';

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the client's X-Request-Id when it is sane, else makes one; echoes it on the response. */
export const requestId = (): MiddlewareHandler<RouterEnv> => async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && VALID_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', id);
  await next();
  c.res.headers.set('x-request-id', id);
};
