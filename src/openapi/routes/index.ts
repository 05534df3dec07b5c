import type { RouteSpec } from '../route-spec';
import { adminAuditRoutes } from './admin-audit';
import { adminEndpointRoutes } from './admin-endpoints';
import { adminKeyRoutes } from './admin-keys';
import { adminModelRequestRoutes } from './admin-model-requests';
import { adminTenantRoutes } from './admin-tenants';
import { monitoringRoutes } from './monitoring';
import { anthropicRoutes } from './anthropic';
import { teiRoutes } from './tei';
import { openaiRoutes } from './openai';
import { responsesRoutes } from './responses';
import { serviceRoutes } from './service';
import { tgiRoutes } from './tgi';

/** Every route the router serves, in the order the API description lists them. Add a route here when you add one to the app. */
export const ROUTES: readonly RouteSpec[] = [
  ...openaiRoutes,
  ...responsesRoutes,
  ...anthropicRoutes,
  ...tgiRoutes,
  ...teiRoutes,
  ...adminEndpointRoutes,
  ...adminKeyRoutes,
  ...adminTenantRoutes,
  ...adminAuditRoutes,
  ...adminModelRequestRoutes,
  ...monitoringRoutes,
  ...serviceRoutes,
];
