import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { errors } from '../http/api-error';
import { bearerToken } from './bearer';
import { lookupKey } from './key-cache';
import { hashKey } from './key-material';

/** Inference auth: a live API key in `Authorization: Bearer`, else 401 `Invalid API key`. */
export const authenticate = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const token = bearerToken(c.req.header('authorization'));
  if (!token) throw errors.invalidKey();
  const record = await lookupKey(c.env.DB, await hashKey(token));
  if (!record || record.status !== 'active') throw errors.invalidKey();
  c.set('apiKey', record);
  await next();
};
