import { Hono } from 'hono';
import type { AdminEnv } from './admin-auth';

/** `GET /admin/v1/me`: who the bearer token is (the web console asks once at sign-in to know what to offer). */
export const meAdmin = new Hono<AdminEnv>();

meAdmin.get('/admin/v1/me', (c) => {
  const p = c.get('principal');
  return c.json({ id: p.id, role: p.role, tenant: p.tenantId });
});
