import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { ApiError, errors } from '../http/api-error';
import { bearerToken } from './bearer';
import { lookupKey } from './key-cache';
import { hashKey } from './key-material';
import { keyExpired } from './key-record';

/** Inference auth: a live endpoint key in `Authorization: Bearer`, else 401 `Invalid API key`. */
export const authenticate = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const token = bearerToken(c.req.header('authorization'));
  if (!token) throw errors.invalidKey();
  const record = await lookupKey(c.env.DB, await hashKey(token));
  if (!record || record.status !== 'active') throw errors.invalidKey();
  if (keyExpired(record)) throw new ApiError(401, 'API key has expired', { code: 'expired_api_key' });
  if (record.kind !== 'endpoint') {
    throw new ApiError(403, 'Platform keys are for the admin API; call the inference API with an endpoint key', {
      code: 'platform_key_on_inference_api',
    });
  }
  c.set('apiKey', record);
  await next();
};
