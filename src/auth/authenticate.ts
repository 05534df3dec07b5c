import type { MiddlewareHandler } from 'hono';
import type { InferenceEnv } from './inference-env';
import { errors } from '../http/errors';
import { isAdminToken } from './admin-token';
import { bearerToken } from './bearer';
import { lookupKey } from './key-cache';
import { hashKey } from './key-material';
import { keyExpired } from './key-record';

/**
 * Inference auth: a live endpoint key in `Authorization: Bearer` or, as Anthropic clients
 * send it, `x-api-key` (read only when there is no Authorization header); else 401
 * `Invalid API key` (unknown and revoked keys alike). The ADMIN_TOKEN is recognised only
 * once the lookup failed, so a real key's request pays nothing for that message.
 */
export const authenticate = (): MiddlewareHandler<InferenceEnv> => async (c, next) => {
  const apiKeyHeader = c.req.header('x-api-key')?.trim();
  const authorization = c.req.header('authorization');
  const token =
    !authorization?.trim() && apiKeyHeader ? apiKeyOf(apiKeyHeader) : bearerToken(authorization, 'inference');
  const hash = await hashKey(token);
  const record = await lookupKey(c.env.DB, hash);
  if (!record && (await isAdminToken(hash, c.env.ADMIN_TOKEN))) {
    throw errors.adminTokenOnInference();
  }
  if (!record || record.status !== 'active') throw errors.invalidKey();
  if (keyExpired(record)) throw errors.expiredKey();
  if (record.kind !== 'endpoint') {
    throw errors.platformKeyOnInference();
  }
  c.set('apiKey', record);
  await next();
};

/** The key of an `x-api-key` header, which holds the key alone: a key has no spaces or commas. */
function apiKeyOf(header: string): string {
  if (/^Bearer\s/i.test(header)) throw errors.apiKeyHeaderNotOneKey(true);
  if (/[\s,]/.test(header)) throw errors.apiKeyHeaderNotOneKey(false);
  return header;
}
