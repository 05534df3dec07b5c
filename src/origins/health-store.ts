import { TtlCache } from '../lib/ttl-cache';

export interface OriginHealth {
  url: string;
  healthy: boolean;
  checked_at: string;
  /** Only the cron's active probes write here (rows from before passive marks were dropped say `passive` and are ignored). */
  source: 'probe';
  detail: string;
}

interface HealthRow {
  url: string;
  healthy: number;
  checked_at: string;
  source: 'probe';
  detail: string;
}

/** An unhealthy mark counts for this long; after it the origin is tried again (and re-marked if it still fails). */
export const UNHEALTHY_TTL_MS = 60_000;
const CACHE_TTL_MS = 10_000;
const cache = new TtlCache<Map<string, OriginHealth>>(1);

const toHealth = (row: HealthRow): OriginHealth => ({ ...row, healthy: row.healthy === 1 });

/** Every origin's last probed health, cached per isolate for a few seconds. */
export async function healthMap(db: D1Database): Promise<Map<string, OriginHealth>> {
  const cached = cache.get('all');
  if (cached) return cached;
  const { results } = await db.prepare("SELECT * FROM origin_health WHERE source = 'probe'").all<HealthRow>();
  const map = new Map(results.map((row) => [row.url, toHealth(row)]));
  cache.set('all', map, CACHE_TTL_MS);
  return map;
}

/** Is the origin marked unhealthy, recently enough for the mark to count? */
export function markedDown(health: Map<string, OriginHealth>, url: string, now = Date.now()): boolean {
  const h = health.get(url);
  return !!h && !h.healthy && now - Date.parse(h.checked_at) < UNHEALTHY_TTL_MS;
}

/**
 * When the first of these origins' down-marks stops counting (ms since epoch):
 * the router tries that origin again then, unless a newer probe marked it down
 * again (or up, earlier).
 */
export function firstRetryAt(health: Map<string, OriginHealth>, urls: string[]): number {
  let at = Infinity;
  for (const url of urls) {
    const h = health.get(url);
    if (h && !h.healthy) at = Math.min(at, Date.parse(h.checked_at) + UNHEALTHY_TTL_MS);
  }
  return Number.isFinite(at) ? at : Date.now();
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
