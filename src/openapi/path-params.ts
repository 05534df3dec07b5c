import { z } from 'zod';
import { ResourceName } from '../endpoints/schema';
import type { ParamSpec } from './route-spec';

/** Path parameters that mean the same on every route; a route may override one (`RouteSpec.params`). */
export const PATH_PARAMS: Record<string, ParamSpec> = {
  name: { description: 'Endpoint name', schema: ResourceName },
  entity: { description: 'Served entity name', schema: ResourceName },
  tenant: { description: 'Tenant id', schema: z.string() },
};
