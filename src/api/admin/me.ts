import { Hono } from 'hono';
import type { AppEnv } from '../../env';

/** `GET /admin/v1/me`: who the bearer token is (the web console asks once at sign-in to know what to offer). */
export const meAdmin = new Hono<AppEnv>();

meAdmin.get('/', (c) => {
  const p = c.var.principal;
  return c.json({ id: p.id, role: p.role, tenant: p.tenantId });
});
