import { TtlCache } from '../lib/ttl-cache';
import type { Endpoint } from './schema';
import { EndpointStore } from './store';

/**
 * Endpoint configs for the data plane: an isolate cache with a short TTL in front
 * of D1. Admin writes drop the entry in the isolate that made them; other isolates
 * pick the change up within the TTL.
 */
const TTL_MS = 5_000;
const cache = new TtlCache<Endpoint | null>(2_000);
/** `GET /v1/models` answers per (tenant, key scope): a few names each, never every tenant's configs. */
const modelsCache = new TtlCache<ModelEntry[]>(1_000);
/** The most endpoints `/v1/models` lists (a tenant's own are bounded by its quota; shares add to them). */
export const MAX_MODELS = 1_000;

export interface ModelEntry {
  name: string;
  created_at: string;
}

export async function resolveEndpoint(db: D1Database, name: string): Promise<Endpoint | null> {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const endpoint = await new EndpointStore(db).get(name);
  cache.set(name, endpoint, TTL_MS);
  return endpoint;
}

export async function listModels(db: D1Database, tenantId: string, scope: string[] | null): Promise<ModelEntry[]> {
  const cacheKey = JSON.stringify([tenantId, scope]);
  const cached = modelsCache.get(cacheKey);
  if (cached) return cached;
  const models = await new EndpointStore(db).modelsFor(tenantId, scope, MAX_MODELS);
  modelsCache.set(cacheKey, models, TTL_MS);
  return models;
}

export function forgetEndpoint(name: string): void {
  cache.delete(name);
  modelsCache.clear();
}
