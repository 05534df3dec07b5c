import { Hono } from 'hono';
import { adminAuth } from './admin-auth';
import type { AppEnv } from '../../env';
import { endpointAdmin } from './endpoints';
import { auditAdmin } from './audit';
import { keyAdmin } from './keys';
import { meAdmin } from './me';
import { modelRequestAdmin } from './model-requests';
import { metricsAdmin } from './metrics';
import { tenantAdmin } from './tenants';

/** The admin API under `/admin/v1`, behind the admin token. */
export const adminRoutes = new Hono<AppEnv>();
adminRoutes.use('*', adminAuth());
adminRoutes.route('/endpoints', endpointAdmin);
adminRoutes.route('/endpoints', metricsAdmin);
adminRoutes.route('/keys', keyAdmin);
adminRoutes.route('/tenants', tenantAdmin);
adminRoutes.route('/audit', auditAdmin);
adminRoutes.route('/me', meAdmin);
adminRoutes.route('/model-requests', modelRequestAdmin);
