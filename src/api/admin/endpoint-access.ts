import type { Context } from 'hono';
import { forbidden, notFound, policy } from '../../auth/policy';
import type { Endpoint } from '../../endpoints/schema';
import { EndpointStore } from '../../endpoints/store';
import type { AppEnv } from '../../env';

/** The endpoint named in the path, if the caller may see it (else 404, as if it did not exist). */
export async function visibleEndpoint(c: Context<AppEnv>): Promise<Endpoint> {
  const name = c.req.param('name')!;
  const endpoint = await new EndpointStore(c.env.DB).get(name);
  if (!endpoint || !policy.seesEndpoint(c.var.principal, endpoint)) throw notFound('Endpoint', name);
  return endpoint;
}

/** The endpoint named in the path, if the caller may change it (404 if it may not see it, 403 if it may only look). */
export async function managedEndpoint(c: Context<AppEnv>): Promise<Endpoint> {
  const endpoint = await visibleEndpoint(c);
  if (!policy.managesEndpoint(c.var.principal, endpoint)) {
    throw forbidden(`Your role (${c.var.principal.role}) may not change endpoint '${endpoint.name}'`);
  }
  return endpoint;
}
