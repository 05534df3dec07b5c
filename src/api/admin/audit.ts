import { errors } from '../../http/errors';
import { Hono } from 'hono';
import { listAudit } from '../../audit/audit-log';
import type { AdminEnv } from './admin-auth';
import { validateQuery } from '../../http/validate';
import { AuditQuery } from './admin-schemas';

/** The audit log: org admins read everything, tenant admins their tenant's records. */
export const auditAdmin = new Hono<AdminEnv>();

auditAdmin.get('/admin/v1/audit', async (c) => {
  const p = c.get('principal');
  if (p.tenantId !== null && p.role !== 'tenant_admin')
    throw errors.forbidden('Only org and tenant admins may read the audit log');
  const q = validateQuery(AuditQuery, c.req.query());
  const data = await listAudit(c.env.DB, {
    tenantId: p.tenantId,
    limit: q.limit ?? 100,
    beforeId: q.before,
    targetId: q.target,
  });
  return c.json({ object: 'list', data, next_before: data.length ? data.at(-1)!.id : null });
});
