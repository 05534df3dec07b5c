import { DurableObject } from 'cloudflare:workers';
import type { MetricRow } from './batch';
import { HOUR_MS, MINUTE_MS } from './series-keys';

/** Minute buckets are kept 7 days, hour buckets 90; flush ids (for de-duplication) a day. */
export const MINUTE_RETENTION_MS = 7 * 86_400_000;
export const HOUR_RETENTION_MS = 90 * 86_400_000;
const FLUSH_ID_RETENTION_MS = 86_400_000;
const PRUNE_EVERY_MS = HOUR_MS;

export type Resolution = 'minute' | 'hour';
/** A summed counter: bucket start (ms), served entity ('' = endpoint-wide), series, value. */
export type SeriesRow = MetricRow;
export type TotalRow = [entity: string, series: string, value: number];

/**
 * One endpoint's metrics, in SQLite: counters per minute and per hour, and running
 * totals since the endpoint's creation (Prometheus counters). Isolates send their
 * batches here; a batch carries a unique flush id and is applied at most once, so
 * a retried flush never counts twice.
 */
export class EndpointMetrics extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS buckets (
        res TEXT NOT NULL, ts INTEGER NOT NULL, entity TEXT NOT NULL, series TEXT NOT NULL, value REAL NOT NULL,
        PRIMARY KEY (res, ts, entity, series)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS totals (
        entity TEXT NOT NULL, series TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (entity, series)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS flushes (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
    `);
  }

  /** Adds one isolate's batch; false (and nothing added) when this flush id was applied before. */
  async apply(flushId: string, rows: MetricRow[]): Promise<boolean> {
    const now = Date.now();
    const applied = this.ctx.storage.transactionSync(() => {
      if (this.sql.exec('SELECT 1 FROM flushes WHERE id = ?', flushId).toArray().length > 0) return false;
      this.sql.exec('INSERT INTO flushes (id, at) VALUES (?, ?)', flushId, now);
      for (const [minute, entity, series, value] of rows) {
        if (!Number.isFinite(value) || !Number.isFinite(minute)) continue;
        this.bump('minute', minute - (minute % MINUTE_MS), entity, series, value);
        this.bump('hour', minute - (minute % HOUR_MS), entity, series, value);
        this.sql.exec(
          `INSERT INTO totals (entity, series, value) VALUES (?, ?, ?)
           ON CONFLICT (entity, series) DO UPDATE SET value = value + excluded.value`,
          entity,
          series,
          value,
        );
      }
      return true;
    });
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + PRUNE_EVERY_MS);
    return applied;
  }

  private bump(res: Resolution, ts: number, entity: string, series: string, value: number): void {
    this.sql.exec(
      `INSERT INTO buckets (res, ts, entity, series, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (res, ts, entity, series) DO UPDATE SET value = value + excluded.value`,
      res,
      ts,
      entity,
      series,
      value,
    );
  }

  /** Counters summed into steps of `stepMs` (a multiple of the resolution) for buckets in [since, until). */
  range(res: Resolution, since: number, until: number, stepMs: number): SeriesRow[] {
    return this.sql
      .exec<{ t: number; entity: string; series: string; value: number }>(
        `SELECT (ts - ?1) / ?2 * ?2 + ?1 AS t, entity, series, SUM(value) AS value
         FROM buckets WHERE res = ?3 AND ts >= ?1 AND ts < ?4
         GROUP BY t, entity, series ORDER BY t`,
        since,
        stepMs,
        res,
        until,
      )
      .toArray()
      .map((r) => [r.t, r.entity, r.series, r.value]);
  }

  /** Running totals (Prometheus counters), and the last complete minute's in-flight milliseconds per entity. */
  totals(now = Date.now()): { totals: TotalRow[]; lastMinuteBusy: TotalRow[] } {
    const totals = this.sql
      .exec<{ entity: string; series: string; value: number }>('SELECT entity, series, value FROM totals')
      .toArray()
      .map((r): TotalRow => [r.entity, r.series, r.value]);
    const last = now - (now % MINUTE_MS) - MINUTE_MS;
    const lastMinuteBusy = this.sql
      .exec<{ entity: string; series: string; value: number }>(
        `SELECT entity, series, value FROM buckets WHERE res = 'minute' AND ts = ? AND series = 'busy_ms'`,
        last,
      )
      .toArray()
      .map((r): TotalRow => [r.entity, r.series, r.value]);
    return { totals, lastMinuteBusy };
  }

  /** Retention: old minute and hour buckets and old flush ids go; the alarm comes back while anything is left. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.sql.exec(`DELETE FROM buckets WHERE res = 'minute' AND ts < ?`, now - MINUTE_RETENTION_MS);
    this.sql.exec(`DELETE FROM buckets WHERE res = 'hour' AND ts < ?`, now - HOUR_RETENTION_MS);
    this.sql.exec('DELETE FROM flushes WHERE at < ?', now - FLUSH_ID_RETENTION_MS);
    const left = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM buckets').one().n;
    if (left > 0) await this.ctx.storage.setAlarm(now + PRUNE_EVERY_MS);
  }
}
