import { tenantMayUse } from '../../endpoints/access';
import type { Endpoint } from '../../endpoints/schema';
import type { KeyRecord } from '../../auth/key-record';
import { rank, ROLES, type Principal, type Role } from '../../auth/principal';

/**
 * The most concurrent requests each role may give a key it creates: a member or an
 * owner cannot hand out more of the origins' capacity than a tenant admin allows.
 */
export const ROLE_MAX_CONCURRENCY: Record<Role, number> = {
  org_admin: 10_000,
  tenant_admin: 1_000,
  owner: 64,
  member: 16,
};

/**
 * Who may do what in the admin API:
 * - org admin (the ADMIN_TOKEN, or an org_admin platform key): everything, every tenant;
 * - tenant admin: every endpoint and key of its tenant;
 * - owner: the endpoints it created, and keys for them;
 * - member: sees its tenant's endpoints (and those shared with it), manages the keys it created.
 * What a principal may not see answers 404, as if it did not exist; what it may see
 * but not change answers 403.
 */
export const policy = {
  seesTenant(p: Principal, tenantId: string): boolean {
    return p.tenantId === null || p.tenantId === tenantId;
  },

  seesEndpoint(p: Principal, e: Endpoint): boolean {
    return p.tenantId === null || tenantMayUse(e, p.tenantId);
  },

  /** Does `p` see this endpoint only because it is shared with its tenant (the shared view: no origins, shares or history)? */
  seesAsShared(p: Principal, e: Endpoint): boolean {
    return p.tenantId !== null && e.tenant_id !== p.tenantId;
  },

  managesEndpoint(p: Principal, e: Endpoint): boolean {
    if (p.tenantId === null) return true;
    if (e.tenant_id !== p.tenantId) return false;
    return p.role === 'tenant_admin' || (p.role === 'owner' && e.owner === p.id);
  },

  createsEndpointsIn(p: Principal, tenantId: string): boolean {
    if (p.tenantId === null) return true;
    return p.tenantId === tenantId && (p.role === 'tenant_admin' || p.role === 'owner');
  },

  /**
   * Org-wide keys (`org_admin`) are beyond every tenant principal, whatever tenant
   * they were filed under; a platform key ranked above the caller is too.
   */
  seesKey(p: Principal, k: KeyRecord): boolean {
    if (p.tenantId === null) return true;
    if (k.tenant_id !== p.tenantId) return false;
    if (k.role !== null && !policy.keyRolesSeenBy(p).includes(k.role)) return false;
    return p.role === 'tenant_admin' || k.created_by === p.id;
  },

  /** The platform-key roles a tenant principal may see (and so act on): never `org_admin`, never above its own. */
  keyRolesSeenBy(p: Principal): Role[] {
    return ROLES.filter((r) => r !== 'org_admin' && rank(r) <= rank(p.role));
  },

  /** The highest concurrency limit `p` may give a key (see ROLE_MAX_CONCURRENCY). */
  maxConcurrency(p: Principal): number {
    return ROLE_MAX_CONCURRENCY[p.role];
  },

  /** May `p` give a platform key this role? Never above its own, and only org admins make org admins. */
  grantsRole(p: Principal, role: Role): boolean {
    if (p.tenantId === null) return true;
    return p.role === 'tenant_admin' && rank(role) <= rank('tenant_admin');
  },
};
