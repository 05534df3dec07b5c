import { TtlCache } from '../auth/ttl-cache';
import type { Endpoint } from './schema';
import { EndpointStore } from './store';

/**
 * Endpoint configs for the data plane: an isolate cache with a short TTL in front
 * of D1. Admin writes drop the entry in the isolate that made them; other isolates
 * pick the change up within the TTL.
 */
const TTL_MS = 5_000;
const cache = new TtlCache<Endpoint | null>(2_000);
const LIST = '\u0000list';
const listCache = new TtlCache<Endpoint[]>(1);

export async function resolveEndpoint(db: D1Database, name: string): Promise<Endpoint | null> {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const endpoint = await new EndpointStore(db).get(name);
  cache.set(name, endpoint, TTL_MS);
  return endpoint;
}

export async function listEndpoints(db: D1Database): Promise<Endpoint[]> {
  const cached = listCache.get(LIST);
  if (cached) return cached;
  const endpoints = await new EndpointStore(db).list();
  listCache.set(LIST, endpoints, TTL_MS);
  return endpoints;
}

export function forgetEndpoint(name: string): void {
  cache.delete(name);
  listCache.clear();
}
