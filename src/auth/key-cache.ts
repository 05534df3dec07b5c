import { TtlCache } from '../lib/ttl-cache';
import type { KeyRecord } from './key-record';
import { KeyStore } from './key-store';

/**
 * Key lookup by hash with an isolate cache in front of D1: the hot path reads D1
 * only on a miss. Unknown hashes are cached too (briefly) so a flood of bad keys
 * does not become a flood of D1 reads. Revocation does not wait for expiry: the
 * key's gate object refuses a revoked key on the very next request.
 */
const KNOWN_TTL_MS = 30_000;
const UNKNOWN_TTL_MS = 5_000;

const cache = new TtlCache<KeyRecord | null>(10_000);

export async function lookupKey(db: D1Database, hash: string): Promise<KeyRecord | null> {
  const cached = cache.get(hash);
  if (cached !== undefined) return cached;
  const record = await new KeyStore(db).byHash(hash);
  cache.set(hash, record, record ? KNOWN_TTL_MS : UNKNOWN_TTL_MS);
  return record;
}

export function forgetKey(hash: string): void {
  cache.delete(hash);
}
