import { Hono } from 'hono';
import { z } from 'zod';
import { auditStatement } from '../../audit/audit-log';
import type { AdminEnv } from './admin-auth';
import { adminBody } from './admin-body';
import { errors } from '../../http/errors';
import { decodeCursor, DEFAULT_PAGE_SIZE, PageQuery, toPage } from '../../http/pagination';
import { validateQuery } from '../../http/validate';
import { TenantCreate } from './admin-schemas';
import { TenantStore } from '../../tenants/store';
import { visibleTenant } from './tenant-access';

/** Admin API for tenants: org admins create them; everyone sees their own. */
export const tenantAdmin = new Hono<AdminEnv>();

tenantAdmin.post('/admin/v1/tenants', async (c) => {
  const p = c.get('principal');
  if (p.tenantId !== null) throw errors.forbidden('Only an org admin may create tenants');
  const { name } = await adminBody(c, TenantCreate);
  const at = new Date().toISOString();
  const audit = auditStatement(
    c.env.DB,
    p,
    { action: 'tenant.create', targetType: 'tenant', targetId: name, tenantId: name },
    at,
  );
  return c.json(await new TenantStore(c.env.DB).create(name, at, [audit]), 201);
});

/** The tenant listing's position: an object of its own, so another listing's cursor is refused, not read as an id. */
const TenantCursor = z.strictObject({ tenant: z.string() });

/** A page of the tenants the caller may see (org admins: all, in id order; others: their own). */
tenantAdmin.get('/admin/v1/tenants', async (c) => {
  const p = c.get('principal');
  const q = validateQuery(PageQuery, c.req.query());
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const after = q.cursor === undefined ? '' : decodeCursor(q.cursor, TenantCursor).tenant;
  const results = await new TenantStore(c.env.DB).page(p.tenantId, after, limit + 1);
  return c.json(
    toPage(
      results,
      limit,
      (t) => ({ tenant: t.id }),
      (t) => t,
    ),
  );
});

tenantAdmin.get('/admin/v1/tenants/:id', async (c) => c.json(await visibleTenant(c)));
