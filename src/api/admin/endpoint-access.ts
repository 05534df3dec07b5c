import { errors } from '../../http/errors';
import type { Context } from 'hono';
import { policy } from './policy';
import type { Principal } from '../../auth/principal';
import { endpointView } from './endpoint-view';
import { redactEntities, redactText, redactUrl } from '../../endpoints/redact';
import type { Endpoint } from '../../endpoints/schema';
import { endpointUrls, sharedEndpointView } from '../../endpoints/shared-view';
import { EndpointStore } from '../../endpoints/store';
import type { AdminEnv } from './admin-auth';
import type { OriginHealth } from '../../origins/health-store';

/** The endpoint named in the path, if the caller may see it (else 404, as if it did not exist): read within its tenant's scope, in SQL. */
export async function visibleEndpoint(c: Context<AdminEnv>): Promise<Endpoint> {
  const name = c.req.param('name')!;
  const endpoint = await new EndpointStore(c.env.DB).getUsable(name, c.get('principal').tenantId);
  if (!endpoint) throw errors.notFound('Endpoint', name);
  return endpoint;
}

/**
 * The endpoint named in the path, if the caller may see its whole config (its tenant's principals and org
 * admins; 404 otherwise, a tenant it is shared with included): read from the caller's tenant's rows, in SQL.
 */
export async function ownEndpoint(c: Context<AdminEnv>): Promise<Endpoint> {
  const name = c.req.param('name')!;
  const endpoint = await new EndpointStore(c.env.DB).getOwned(name, c.get('principal').tenantId);
  if (!endpoint) throw errors.notFound('Endpoint', name);
  return endpoint;
}

/** The endpoint named in the path, if the caller may change it (404 if it may not see it, 403 if it may only look). */
export async function managedEndpoint(c: Context<AdminEnv>): Promise<Endpoint> {
  const endpoint = await visibleEndpoint(c);
  if (!policy.managesEndpoint(c.get('principal'), endpoint)) {
    throw errors.forbidden(`Your role (${c.get('principal').role}) may not change endpoint '${endpoint.name}'`);
  }
  return endpoint;
}

/**
 * An endpoint as this principal may read it: a tenant it is shared with gets the
 * shared view; its own tenant and org admins the whole endpoint, with credentials
 * in origin URLs (and in details quoting them) redacted.
 */
export function viewFor(
  p: Principal,
  e: Endpoint,
  health: Map<string, OriginHealth>,
  env: Env,
  baseUrl: string,
  withOriginHealth = false,
) {
  if (policy.seesAsShared(p, e)) return sharedEndpointView(e, baseUrl);
  const view = endpointView(e, health, env, withOriginHealth);
  const redacted: Record<string, unknown> = {
    ...view,
    access: 'tenant',
    urls: endpointUrls(baseUrl, e.name),
    served_entities: redactEntities(e.served_entities),
    config_update_error: redactText(e.config_update_error),
  };
  if (Array.isArray(view.origin_health)) {
    redacted.origin_health = (view.origin_health as Array<{ url: string; detail: string }>).map((h) => ({
      ...h,
      url: redactUrl(h.url),
      detail: redactText(h.detail),
    }));
  }
  return redacted;
}

/** The router's own base URL, as the caller reached it. */
export function baseUrlOf(c: Context<AdminEnv>): string {
  return new URL(c.req.url).origin;
}
