import type { MiddlewareHandler } from 'hono';
import { revokedNow } from '../../gate/lease';
import { errors, type ApiError } from '../../http/errors';
import { isAdminToken } from '../../auth/admin-token';
import { bearerToken } from '../../auth/bearer';
import { lookupKey } from '../../auth/key-cache';
import { hashKey } from '../../auth/key-material';
import { keyExpired } from '../../auth/key-record';
import { ADMIN_PRINCIPAL, type Principal } from '../../auth/principal';
import type { RouterVariables } from '../../http/router-env';

/** The admin route group's variables: who is calling (set by `adminAuth`). */
export type AdminEnv = { Bindings: Env; Variables: AdminVariables };

export interface AdminVariables extends RouterVariables {
  principal: Principal;
}

/**
 * Admin auth: `Authorization: Bearer <ADMIN_TOKEN>` (compared in constant time)
 * is the org admin; a live platform key acts with its role in its tenant.
 * Endpoint keys are for the inference API only.
 */
export const adminAuth = (): MiddlewareHandler<AdminEnv> => async (c, next) => {
  const token = bearerToken(c.req.header('authorization'), 'admin');
  const hash = await hashKey(token);
  if (await isAdminToken(hash, c.env.ADMIN_TOKEN)) {
    c.set('principal', ADMIN_PRINCIPAL);
    return next();
  }
  const key = await lookupKey(c.env.DB, hash);
  if (!key || key.status !== 'active') throw invalidToken();
  // Its holder is told, as on the inference API: the key is right but no longer works.
  if (keyExpired(key)) throw errors.expiredKey();
  if (key.kind !== 'platform' || !key.role) {
    throw errors.endpointKeyOnAdmin();
  }
  // The key cache may still hold a key revoked in another isolate: its gate knows (one RPC; the admin API is not the hot path).
  if (await revokedNow(c.env, key)) throw invalidToken();
  const principal: Principal = {
    id: key.id,
    role: key.role,
    tenantId: key.role === 'org_admin' ? null : key.tenant_id,
  };
  c.set('principal', principal);
  return next();
};

function invalidToken(): ApiError {
  return errors.invalidAdminToken();
}
