import { AuditQuery } from '../../api/admin/admin-schemas';
import { adminErrors } from '../error-responses';
import { AuditList } from '../shapes/audit';
import type { RouteSpec } from '../route-spec';

/** The audit log (src/api/admin/audit.ts). */
export const adminAuditRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/admin/v1/audit',
    operationId: 'listAuditRecords',
    tag: 'Admin: audit',
    auth: 'adminToken',
    summary: 'Read the audit log, newest first',
    description:
      'Org admins read every record, tenant admins their tenant’s. `limit` (default 100), `before` (a record id: older records only), `target` (a target id).',
    query: AuditQuery,
    responses: {
      200: { description: 'Audit records', json: AuditList },
      ...adminErrors([400, 401, 403], { 400: 'Invalid query parameter', 403: 'Neither an org nor a tenant admin' }),
    },
  },
];
