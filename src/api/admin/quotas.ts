import type { Context } from 'hono';
import { isExternal, type EndpointConfig } from '../../endpoints/schema';
import { EndpointStore } from '../../endpoints/store';
import type { AppEnv, Env } from '../../env';
import { errors } from '../../http/api-error';

/** What each tenant may hold at most (wrangler.toml `[vars]`, else these defaults). */
export interface TenantQuotas {
  endpoints: number;
  servedEntities: number;
  origins: number;
  keys: number;
}

const DEFAULTS: TenantQuotas = { endpoints: 100, servedEntities: 200, origins: 500, keys: 1_000 };

export function tenantQuotas(env: Env): TenantQuotas {
  const read = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return {
    endpoints: read(env.TENANT_MAX_ENDPOINTS, DEFAULTS.endpoints),
    servedEntities: read(env.TENANT_MAX_SERVED_ENTITIES, DEFAULTS.servedEntities),
    origins: read(env.TENANT_MAX_ORIGINS, DEFAULTS.origins),
    keys: read(env.TENANT_MAX_KEYS, DEFAULTS.keys),
  };
}

/**
 * Would this config (a new endpoint, or `replacing` an existing one's) keep the
 * tenant within its quotas of endpoints, served entities and origins? 403 if not.
 */
export async function checkEndpointQuotas(c: Context<AppEnv>, tenantId: string, config: EndpointConfig, replacing: string | null): Promise<void> {
  const quotas = tenantQuotas(c.env);
  const used = await new EndpointStore(c.env.DB).tenantUsage(tenantId, replacing);
  if (replacing === null && used.endpoints + 1 > quotas.endpoints) throw errors.quotaExceeded(tenantId, 'endpoints', quotas.endpoints);
  const entities = config.served_entities.length;
  if (used.servedEntities + entities > quotas.servedEntities) throw errors.quotaExceeded(tenantId, 'served entities', quotas.servedEntities);
  const origins = config.served_entities.reduce((n, e) => n + (isExternal(e) ? 0 : e.origins.length), 0);
  if (used.origins + origins > quotas.origins) throw errors.quotaExceeded(tenantId, 'origins', quotas.origins);
}
