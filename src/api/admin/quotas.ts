import { routerConfig } from '../../config';
import type { Context } from 'hono';
import { isExternal, type EndpointConfig } from '../../endpoints/schema';
import { EndpointStore } from '../../endpoints/store';
import type { AdminEnv } from './admin-auth';
import { errors } from '../../http/errors';

/**
 * Would this config (a new endpoint, or `replacing` an existing one's) keep the
 * tenant within its quotas of endpoints, served entities and origins? 403 if not.
 */
export async function checkEndpointQuotas(
  c: Context<AdminEnv>,
  tenantId: string,
  config: EndpointConfig,
  replacing: string | null,
): Promise<void> {
  const quotas = routerConfig(c.env).tenantQuotas;
  const used = await new EndpointStore(c.env.DB).tenantUsage(tenantId, replacing);
  if (replacing === null && used.endpoints + 1 > quotas.endpoints)
    throw errors.quotaExceeded(tenantId, 'endpoints', quotas.endpoints);
  const entities = config.served_entities.length;
  if (used.servedEntities + entities > quotas.servedEntities)
    throw errors.quotaExceeded(tenantId, 'served entities', quotas.servedEntities);
  const origins = config.served_entities.reduce((n, e) => n + (isExternal(e) ? 0 : e.origins.length), 0);
  if (used.origins + origins > quotas.origins) throw errors.quotaExceeded(tenantId, 'origins', quotas.origins);
}
