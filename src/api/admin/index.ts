import { Hono } from 'hono';
import { adminAuth } from '../../auth/admin-auth';
import type { AppEnv } from '../../env';
import { endpointAdmin } from './endpoints';
import { keyAdmin } from './keys';

/** The admin API under `/admin/v1`, behind the admin token. */
export const adminRoutes = new Hono<AppEnv>();
adminRoutes.use('*', adminAuth());
adminRoutes.route('/endpoints', endpointAdmin);
adminRoutes.route('/keys', keyAdmin);
