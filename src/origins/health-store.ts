import { TtlCache } from '../auth/ttl-cache';

export interface OriginHealth {
  url: string;
  healthy: boolean;
  checked_at: string;
  source: 'probe' | 'passive';
  detail: string;
}

interface HealthRow {
  url: string;
  healthy: number;
  checked_at: string;
  source: 'probe' | 'passive';
  detail: string;
}

/** An unhealthy mark counts for this long; after it the origin is tried again (and re-marked if it still fails). */
export const UNHEALTHY_TTL_MS = 60_000;
const CACHE_TTL_MS = 10_000;
const cache = new TtlCache<Map<string, OriginHealth>>(1);

const toHealth = (row: HealthRow): OriginHealth => ({ ...row, healthy: row.healthy === 1 });

/** Every origin's last known health, cached per isolate for a few seconds. */
export async function healthMap(db: D1Database): Promise<Map<string, OriginHealth>> {
  const cached = cache.get('all');
  if (cached) return cached;
  const { results } = await db.prepare('SELECT * FROM origin_health').all<HealthRow>();
  const map = new Map(results.map((row) => [row.url, toHealth(row)]));
  cache.set('all', map, CACHE_TTL_MS);
  return map;
}

/** Is the origin marked unhealthy, recently enough for the mark to count? */
export function markedDown(health: Map<string, OriginHealth>, url: string, now = Date.now()): boolean {
  const h = health.get(url);
  return !!h && !h.healthy && now - Date.parse(h.checked_at) < UNHEALTHY_TTL_MS;
}

export async function recordHealth(db: D1Database, entries: OriginHealth[]): Promise<void> {
  if (entries.length === 0) return;
  await db.batch(
    entries.map((h) =>
      db
        .prepare(
          `INSERT INTO origin_health (url, healthy, checked_at, source, detail) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (url) DO UPDATE SET healthy = excluded.healthy, checked_at = excluded.checked_at,
             source = excluded.source, detail = excluded.detail`,
        )
        .bind(h.url, h.healthy ? 1 : 0, h.checked_at, h.source, h.detail.slice(0, 500)),
    ),
  );
  cache.clear();
}

export function forgetHealth(): void {
  cache.clear();
}
