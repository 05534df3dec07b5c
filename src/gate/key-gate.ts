import { DurableObject } from 'cloudflare:workers';
import type { Admission, LeaseEnd, RateRule, RateTake, UsageReport, UsageRow } from './types';

/**
 * The gate: one Durable Object per API key (named by the key's hash).
 *
 * Leases live in the object's SQLite, so an evicted or restarted object keeps
 * counting what is in flight. `acquire` purges expired leases, counts and
 * inserts with synchronous SQL calls and no await in between: the step is
 * atomic without a lock. An alarm reclaims leases whose holder never released
 * them (a crashed isolate), so a slot is held at most for one lease TTL.
 */
export class KeyGate extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** The armed alarm's time as this instance knows it (undefined: not read yet). Only this object sets it. */
  private alarmAt: number | null | undefined;
  /** Mirror of the persisted revoked flag (undefined: not read yet). Only this object writes it. */
  private revoked: boolean | undefined;
  /** Requests in flight waiting to hear that their key was revoked (`watch`), by lease id. In memory: see `watch`. */
  private readonly watchers = new Map<string, (outcome: LeaseEnd) => void>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.createSchema();
  }

  private createSchema(): void {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, endpoint TEXT NOT NULL, windows TEXT NOT NULL DEFAULT '[]');
      CREATE TABLE IF NOT EXISTS rate_windows (
        endpoint TEXT NOT NULL, period_ms INTEGER NOT NULL, window INTEGER NOT NULL, calls INTEGER NOT NULL,
        PRIMARY KEY (endpoint, period_ms, window)
      );
      CREATE INDEX IF NOT EXISTS leases_expiry ON leases (expires_at);
      CREATE TABLE IF NOT EXISTS flags (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS usage (
        endpoint TEXT NOT NULL, hour TEXT NOT NULL,
        requests INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0,
        aborted INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
        prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (endpoint, hour)
      );
    `);
    // Objects created before rate limits have a leases table without `windows`.
    if (!this.sql.exec("SELECT 1 FROM pragma_table_info('leases') WHERE name = 'windows'").toArray().length) {
      this.sql.exec("ALTER TABLE leases ADD COLUMN windows TEXT NOT NULL DEFAULT '[]'");
    }
  }

  /**
   * Admit one request if fewer than `limit` leases are live and every rate rule
   * has calls left in its current window. Concurrency is checked first, so a
   * request refused for concurrency costs no rate quota. One synchronous step.
   */
  async acquire(limit: number, ttlMs: number, endpointId: string, rules: RateRule[] = []): Promise<Admission> {
    if (this.isRevoked()) return { ok: false, reason: 'revoked', retryAfterSeconds: 0 };
    const now = Date.now();
    // Expired leases do not count (the alarm deletes them): one read, no write, unless admitted.
    const inFlight = this.countLeases(now);
    if (inFlight >= limit) {
      return { ok: false, reason: 'concurrency', retryAfterSeconds: 1 };
    }
    const take = this.takeRate(endpointId, rules, now);
    if (!take.ok) return take;
    const leaseId = crypto.randomUUID();
    this.sql.exec(
      'INSERT INTO leases (id, expires_at, endpoint, windows) VALUES (?, ?, ?, ?)',
      leaseId, now + ttlMs, endpointId, JSON.stringify(take.windows),
    );
    await this.armAlarm(now + ttlMs);
    return { ok: true, leaseId, inFlight: inFlight + 1 };
  }

  /** Rate quota without a lease (an endpoint's all-keys limits live in an object of their own, named by its id). */
  async take(endpointId: string, rules: RateRule[]): Promise<RateTake> {
    return this.takeRate(endpointId, rules, Date.now());
  }

  /** Gives back quota taken by `take` (the request was refused further on). */
  async refund(endpointId: string, windows: Array<[number, number]>): Promise<void> {
    this.refundWindows(endpointId, windows);
  }

  /** Drops everything this object stores (an endpoint's limiter, when the endpoint is deleted). */
  async forget(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.createSchema(); // empty again, should a straggler still call
    this.alarmAt = null;
    this.revoked = false;
  }

  /**
   * Free a slot and record what the request used. Idempotent: a second release is a
   * no-op. `refund`: the request never ran (refused after admission), so its rate
   * quota is given back too.
   */
  async release(leaseId: string, usage?: UsageReport, refund = false): Promise<boolean> {
    const row = this.sql.exec<{ endpoint: string; windows: string }>('DELETE FROM leases WHERE id = ? RETURNING endpoint, windows', leaseId).toArray()[0];
    this.settle(leaseId, 'released');
    if (!row) return false;
    if (refund) this.refundWindows(row.endpoint, JSON.parse(row.windows) as Array<[number, number]>);
    if (usage) this.recordUsage(usage);
    return true;
  }

  /** Extend a live lease (long streams call this well before it expires). */
  async renew(leaseId: string, ttlMs: number): Promise<boolean> {
    const expiresAt = Date.now() + ttlMs;
    const renewed = this.sql
      .exec('UPDATE leases SET expires_at = ? WHERE id = ? RETURNING id', expiresAt, leaseId)
      .toArray().length > 0;
    if (renewed) await this.armAlarm(expiresAt);
    return renewed;
  }

  /** Refuse every later request for this key, wherever it comes from, and end the ones in flight (their `watch` answers). */
  async revoke(): Promise<void> {
    this.sql.exec("INSERT OR REPLACE INTO flags (name, value) VALUES ('revoked', '1')");
    this.revoked = true;
    for (const leaseId of [...this.watchers.keys()]) this.settle(leaseId, 'revoked');
  }

  /** Has the key been revoked? (Callers that do not acquire — the admin API, `/v1/models` — ask this.) */
  async isRevokedNow(): Promise<boolean> {
    return this.isRevoked();
  }

  /**
   * Answers when the lease ends: 'revoked' the moment the key is revoked (the
   * request then ends itself), 'released' when it is released. A lease this
   * object does not hold (already released or expired) answers at once. Watchers
   * live in memory: an object restart breaks the call, and the caller watches again.
   */
  async watch(leaseId: string): Promise<LeaseEnd> {
    if (this.isRevoked()) return 'revoked';
    if (!this.sql.exec('SELECT 1 FROM leases WHERE id = ?', leaseId).toArray().length) return 'released';
    this.settle(leaseId, 'released'); // one watcher per lease
    return new Promise<LeaseEnd>((resolve) => this.watchers.set(leaseId, resolve));
  }

  async inFlight(): Promise<number> {
    return this.countLeases(Date.now());
  }

  async usage(): Promise<UsageRow[]> {
    return this.sql.exec<UsageRow & Record<string, SqlStorageValue>>(
      'SELECT * FROM usage ORDER BY hour DESC, endpoint',
    ).toArray();
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null; // a fired alarm is no longer armed
    const now = Date.now();
    for (const { id } of this.sql.exec<{ id: string }>('DELETE FROM leases WHERE expires_at <= ? RETURNING id', now).toArray()) this.settle(id, 'released');
    const next = this.sql.exec<{ next: number | null }>('SELECT MIN(expires_at) AS next FROM leases').one().next;
    if (next !== null) {
      await this.ctx.storage.setAlarm(next);
      this.alarmAt = next;
    }
  }

  /**
   * One counter per (endpoint, period, window) counts the requests admitted in it;
   * every rule of that period is checked against the same counter, so two rules
   * with the same period (10 and 100 per minute) never count a request twice.
   */
  private takeRate(endpointId: string, rules: RateRule[], now: number): RateTake {
    const windows: Array<[number, number]> = [];
    for (const rule of rules) {
      const window = Math.floor(now / rule.periodMs);
      const used =
        this.sql
          .exec<{ calls: number }>('SELECT calls FROM rate_windows WHERE endpoint = ? AND period_ms = ? AND window = ?', endpointId, rule.periodMs, window)
          .toArray()[0]?.calls ?? 0;
      if (used >= rule.calls) {
        return { ok: false, reason: 'rate', retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * rule.periodMs - now) / 1000)), limit: rule.label };
      }
      if (!windows.some(([periodMs]) => periodMs === rule.periodMs)) windows.push([rule.periodMs, window]);
    }
    for (const [periodMs, window] of windows) {
      this.sql.exec(
        `INSERT INTO rate_windows (endpoint, period_ms, window, calls) VALUES (?, ?, ?, 1)
         ON CONFLICT (endpoint, period_ms, window) DO UPDATE SET calls = calls + 1`,
        endpointId, periodMs, window,
      );
      // Past windows of this period go, whichever endpoint they counted (a deleted endpoint's too).
      this.sql.exec('DELETE FROM rate_windows WHERE period_ms = ? AND window < ?', periodMs, window);
    }
    return { ok: true, windows };
  }

  private settle(leaseId: string, outcome: LeaseEnd): void {
    const resolve = this.watchers.get(leaseId);
    if (!resolve) return;
    this.watchers.delete(leaseId);
    resolve(outcome);
  }

  private refundWindows(endpointId: string, windows: Array<[number, number]>): void {
    for (const [periodMs, window] of windows) {
      this.sql.exec(
        'UPDATE rate_windows SET calls = calls - 1 WHERE endpoint = ? AND period_ms = ? AND window = ? AND calls > 0',
        endpointId, periodMs, window,
      );
    }
  }

  private isRevoked(): boolean {
    this.revoked ??= this.sql.exec("SELECT 1 FROM flags WHERE name = 'revoked'").toArray().length > 0;
    return this.revoked;
  }

  private countLeases(now: number): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM leases WHERE expires_at > ?', now).one().n;
  }

  /** Makes sure an alarm fires by `at` (the earliest expiry wins); storage is read once per instance, written only when it moves. */
  private async armAlarm(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt === null || this.alarmAt > at) {
      this.alarmAt = at;
      await this.ctx.storage.setAlarm(at);
    }
  }

  private recordUsage(usage: UsageReport): void {
    const hour = new Date().toISOString().slice(0, 13) + ':00:00Z';
    this.sql.exec(
      `INSERT INTO usage (endpoint, hour, requests, completed, aborted, failed, prompt_tokens, completion_tokens)
       VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (endpoint, hour) DO UPDATE SET
         requests = requests + 1, completed = completed + ?3, aborted = aborted + ?4, failed = failed + ?5,
         prompt_tokens = prompt_tokens + ?6, completion_tokens = completion_tokens + ?7`,
      usage.endpoint, hour,
      usage.outcome === 'completed' ? 1 : 0, usage.outcome === 'aborted' ? 1 : 0, usage.outcome === 'failed' ? 1 : 0,
      usage.promptTokens, usage.completionTokens,
    );
  }
}
