/** Roles, from most to least powerful. */
export const ROLES = ['org_admin', 'tenant_admin', 'owner', 'member'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling the admin API: the ADMIN_TOKEN (org admin of every tenant), or a
 * platform key with its role inside its tenant.
 */
export interface Principal {
  /** 'admin' for the ADMIN_TOKEN, else the platform key's id. */
  id: string;
  role: Role;
  /** null: every tenant (org admin). */
  tenantId: string | null;
}

export const ADMIN_PRINCIPAL: Principal = { id: 'admin', role: 'org_admin', tenantId: null };

export function rank(role: Role): number {
  return ROLES.length - ROLES.indexOf(role);
}
