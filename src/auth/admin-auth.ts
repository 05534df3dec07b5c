import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { ApiError } from '../http/api-error';
import { bearerToken } from './bearer';
import { hashKey } from './key-material';

/** Admin auth: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. */
export const adminAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) {
    throw new ApiError(503, 'The admin API is disabled: set the ADMIN_TOKEN secret', { code: 'admin_disabled' });
  }
  const token = bearerToken(c.req.header('authorization'));
  if (!token || !(await sameSecret(token, expected))) {
    throw new ApiError(401, 'Invalid admin token', { code: 'invalid_admin_token' });
  }
  await next();
};

/** Compares digests, so the time taken says nothing about where the strings differ. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([hashKey(a), hashKey(b)]);
  let diff = 0;
  for (let i = 0; i < ha.length; i++) diff |= ha.charCodeAt(i) ^ hb.charCodeAt(i);
  return diff === 0;
}
