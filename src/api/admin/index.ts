import { adminAuth } from './admin-auth';
import { endpointAdmin } from './endpoints';
import { auditAdmin } from './audit';
import { keyAdmin } from './keys';
import { meAdmin } from './me';
import { modelRequestAdmin } from './model-requests';
import { metricsAdmin } from './metrics';
import { tenantAdmin } from './tenants';
import { adminRoutesGroup } from '../route-group';

/** The admin API under `/admin/v1`, behind the admin token: one route group (errors in the OpenAI shape). */
export const adminRoutes = adminRoutesGroup();
adminRoutes.use('/admin/v1/*', adminAuth());
adminRoutes.route('/', endpointAdmin);
adminRoutes.route('/', metricsAdmin);
adminRoutes.route('/', keyAdmin);
adminRoutes.route('/', tenantAdmin);
adminRoutes.route('/', auditAdmin);
adminRoutes.route('/', meAdmin);
adminRoutes.route('/', modelRequestAdmin);
