import { Hono } from 'hono';
import { auditStatement } from '../../audit/audit-log';
import { forbidden } from '../../auth/policy';
import type { AppEnv } from '../../env';
import { ApiError } from '../../http/api-error';
import { readJsonBody } from '../../http/json-body';
import { validate } from '../../http/validate';
import { TenantCreate } from './admin-schemas';
import { visibleTenant, type Tenant } from './tenant-access';

/** Admin API for tenants: org admins create them; everyone sees their own. */
export const tenantAdmin = new Hono<AppEnv>();

tenantAdmin.post('/', async (c) => {
  const p = c.var.principal;
  if (p.tenantId !== null) throw forbidden('Only an org admin may create tenants');
  const { name } = validate(TenantCreate, await readJsonBody(c));
  const at = new Date().toISOString();
  try {
    await c.env.DB.batch([
      c.env.DB.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)').bind(name, name, at),
      auditStatement(c.env.DB, p, { action: 'tenant.create', targetType: 'tenant', targetId: name, tenantId: name }, at),
    ]);
  } catch (err) {
    if (String(err).includes('UNIQUE')) throw new ApiError(409, `Tenant '${name}' already exists`, { param: 'name', code: 'tenant_exists' });
    throw err;
  }
  return c.json({ id: name, name, created_at: at } satisfies Tenant, 201);
});

tenantAdmin.get('/', async (c) => {
  const p = c.var.principal;
  const { results } =
    p.tenantId === null
      ? await c.env.DB.prepare('SELECT * FROM tenants ORDER BY id').all<Tenant>()
      : await c.env.DB.prepare('SELECT * FROM tenants WHERE id = ?').bind(p.tenantId).all<Tenant>();
  return c.json({ object: 'list', data: results });
});

tenantAdmin.get('/:id', async (c) => c.json(await visibleTenant(c)));
