import { z } from 'zod';
import { TenantCreate } from '../../api/admin/admin-schemas';
import { PageQuery } from '../../http/pagination';
import { adminErrors } from '../error-responses';
import { TenantList, TenantObject } from '../shapes/tenants';
import type { RouteSpec } from '../route-spec';

/** Admin API for tenants (src/api/admin/tenants.ts), under `/admin/v1/tenants`. */
const base = '/admin/v1/tenants';
const common = {
  tag: 'Admin: tenants',
  auth: 'adminToken',
  params: { id: { description: 'Tenant id', schema: z.string() } },
} as const;

export const adminTenantRoutes: RouteSpec[] = [
  {
    ...common,
    method: 'post',
    path: base,
    operationId: 'createTenant',
    summary: 'Create a tenant (org admins only)',
    body: { schema: TenantCreate, description: 'The tenant’s id, URL-safe like endpoint names' },
    responses: {
      201: { description: 'The tenant', json: TenantObject },
      ...adminErrors([400, 401, 403, 409, 413], { 403: 'Not an org admin', 409: 'A tenant of that name exists' }),
    },
  },
  {
    ...common,
    method: 'get',
    path: base,
    operationId: 'listTenants',
    summary: 'List tenants (all for org admins, else the caller’s own), a page at a time',
    query: PageQuery,
    responses: {
      200: { description: 'A page of tenants', json: TenantList },
      ...adminErrors([400, 401, 403], { 400: 'Invalid `limit` or `cursor`' }),
    },
  },
  {
    ...common,
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getTenant',
    summary: 'Tenant info',
    responses: {
      200: { description: 'The tenant', json: TenantObject },
      ...adminErrors([401, 403, 404], { 404: 'Unknown tenant (or not the caller’s)' }),
    },
  },
];
