import { isUniqueViolation } from '../../lib/constraint';
import { Hono } from 'hono';
import { z } from 'zod';
import { auditStatement } from '../../audit/audit-log';
import type { AdminEnv } from './admin-auth';
import { ApiError, errors } from '../../http/api-error';
import { readJsonBody } from '../../http/json-body';
import { decodeCursor, DEFAULT_PAGE_SIZE, PageQuery, toPage } from '../../http/pagination';
import { validate } from '../../http/validate';
import { TenantCreate } from './admin-schemas';
import { visibleTenant, type Tenant } from './tenant-access';

/** Admin API for tenants: org admins create them; everyone sees their own. */
export const tenantAdmin = new Hono<AdminEnv>();

tenantAdmin.post('/admin/v1/tenants', async (c) => {
  const p = c.var.principal;
  if (p.tenantId !== null) throw errors.forbidden('Only an org admin may create tenants');
  const { name } = validate(TenantCreate, await readJsonBody(c));
  const at = new Date().toISOString();
  try {
    await c.env.DB.batch([
      c.env.DB.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)').bind(name, name, at),
      // Shares may name a tenant that does not exist (sharing does not reveal which do); a new tenant inherits none.
      c.env.DB.prepare('DELETE FROM endpoint_shares WHERE tenant_id = ?').bind(name),
      auditStatement(c.env.DB, p, { action: 'tenant.create', targetType: 'tenant', targetId: name, tenantId: name }, at),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, 'tenants.id')) throw new ApiError(409, `Tenant '${name}' already exists`, { param: 'name', code: 'tenant_exists' });
    throw err;
  }
  return c.json({ id: name, name, created_at: at } satisfies Tenant, 201);
});

/** A page of the tenants the caller may see (org admins: all, in id order; others: their own). */
tenantAdmin.get('/admin/v1/tenants', async (c) => {
  const p = c.var.principal;
  const q = validate(PageQuery, c.req.query());
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const after = q.cursor === undefined ? '' : decodeCursor(q.cursor, z.string());
  const { results } =
    p.tenantId === null
      ? await c.env.DB.prepare('SELECT * FROM tenants WHERE id > ? ORDER BY id LIMIT ?').bind(after, limit + 1).all<Tenant>()
      : await c.env.DB.prepare('SELECT * FROM tenants WHERE id = ? AND id > ?').bind(p.tenantId, after).all<Tenant>();
  return c.json(toPage(results, limit, (t) => t.id, (t) => t));
});

tenantAdmin.get('/admin/v1/tenants/:id', async (c) => c.json(await visibleTenant(c)));
