import type { KeyRecord } from '../auth/key-record';
import type { Endpoint } from './schema';

/**
 * May a tenant use this endpoint: its own, or one shared with it. The one rule, for
 * inference, guardrails and the admin API alike (the SQL listings say the same in
 * store.ts's `USABLE_BY_TENANT`).
 */
export function tenantMayUse(e: Pick<Endpoint, 'tenant_id' | 'shared_with'>, tenantId: string): boolean {
  return e.tenant_id === tenantId || e.shared_with.includes(tenantId);
}

/** Can an endpoint key call this endpoint: its tenant may use it, and its scope (null = all) names it. */
export function keyMayCall(
  key: Pick<KeyRecord, 'tenant_id' | 'endpoints'>,
  e: Pick<Endpoint, 'name' | 'tenant_id' | 'shared_with'>,
): boolean {
  return tenantMayUse(e, key.tenant_id) && (key.endpoints === null || key.endpoints.includes(e.name));
}
