import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { ApiError } from '../http/api-error';
import { bearerToken } from './bearer';
import { lookupKey } from './key-cache';
import { hashKey } from './key-material';
import { keyExpired } from './key-record';
import { ADMIN_PRINCIPAL, type Principal } from './principal';

/**
 * Admin auth: `Authorization: Bearer <ADMIN_TOKEN>` (compared in constant time)
 * is the org admin; a live platform key acts with its role in its tenant.
 * Endpoint keys are for the inference API only.
 */
export const adminAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const token = bearerToken(c.req.header('authorization'));
  if (!token) throw invalidToken();
  const hash = await hashKey(token);
  const expected = c.env.ADMIN_TOKEN;
  if (expected && sameDigest(hash, await hashKey(expected))) {
    c.set('principal', ADMIN_PRINCIPAL);
    return next();
  }
  const key = await lookupKey(c.env.DB, hash);
  if (!key || key.status !== 'active' || keyExpired(key)) throw invalidToken();
  if (key.kind !== 'platform' || !key.role) {
    throw new ApiError(403, 'Endpoint keys can only call the inference API; the admin API needs a platform key', {
      code: 'endpoint_key_on_admin_api',
    });
  }
  const principal: Principal = { id: key.id, role: key.role, tenantId: key.role === 'org_admin' ? null : key.tenant_id };
  c.set('principal', principal);
  return next();
};

function invalidToken(): ApiError {
  return new ApiError(401, 'Invalid admin token', { code: 'invalid_admin_token' });
}

/** Compares two hex digests without an early exit, so timing says nothing about where they differ. */
function sameDigest(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
