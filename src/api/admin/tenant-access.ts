import type { Context } from 'hono';
import type { AdminEnv } from './admin-auth';
import { errors } from '../../http/errors';
import { TenantStore, type Tenant } from '../../tenants/store';

/** Checks a tenant named in a request body exists and the caller may see it (400 naming `param` if not). */
export async function requireTenant(c: Context<AdminEnv>, id: string, param: string): Promise<Tenant> {
  const tenant = await new TenantStore(c.env.DB).get(id, c.get('principal').tenantId);
  if (!tenant) throw errors.unknownTenant(id, param);
  return tenant;
}

/** The tenant in the path, if the caller may see it (read within its scope, in SQL; 404 otherwise). */
export async function visibleTenant(c: Context<AdminEnv>): Promise<Tenant> {
  const id = c.req.param('id')!;
  const tenant = await new TenantStore(c.env.DB).get(id, c.get('principal').tenantId);
  if (!tenant) throw errors.notFound('Tenant', id);
  return tenant;
}
