import { DurableObject } from 'cloudflare:workers';
import { parseWindows, RateWindows } from './rate-windows';
import { chargedTokens } from './token-estimate';
import { migrateSchema, type Migration } from './schema-version';
import { USAGE_FLUSH_MS, UsageLedger } from './usage-ledger';
import { MAX_PAGE_SIZE } from '../http/pagination';
import type {
  Admission,
  KeyWord,
  LeaseEnd,
  RateRule,
  RateTake,
  ReleaseReport,
  UsagePosition,
  UsageReport,
  UsageRow,
  WindowState,
} from './types';

/** The most usage rows one call reads (a page of the admin API's listing, plus the row that says there is more). */
const USAGE_PAGE_MAX = MAX_PAGE_SIZE + 1;

/** The key's own token budget (across every endpoint) counts in this scope. */
export const KEY_BUDGET_SCOPE = '*';

/**
 * The gate's SQLite schema, one step per version (see schema-version.ts). Never
 * edit a step that has shipped: add one.
 */
const MIGRATIONS: readonly Migration[] = [
  // 1: the schema of objects created before versioning (adopted as they are: CREATE IF NOT EXISTS). The oldest of
  // them have a leases table without `windows` (from before rate limits): that column is added here, once.
  (sql) => {
    sql.exec(`
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
    if (!sql.exec("SELECT 1 FROM pragma_table_info('leases') WHERE name = 'windows'").toArray().length) {
      sql.exec("ALTER TABLE leases ADD COLUMN windows TEXT NOT NULL DEFAULT '[]'");
    }
  },
  // 2: token budgets. A window row counts per scope (an endpoint id, or the key's own budget) and holds tokens
  // charged and reserved; a lease holds its reservation. Leases written before keep `[period, window]` pairs.
  (sql) => {
    sql.exec(`
      ALTER TABLE rate_windows RENAME COLUMN endpoint TO scope;
      ALTER TABLE rate_windows ADD COLUMN tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rate_windows ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE leases ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;
    `);
  },
  // 3: the usage listing's order (newest hour first, then endpoint) as an index, so a page reads its rows instead
  // of sorting every row the key has (one per endpoint and hour: a year of one endpoint is 8,760).
  (sql) => {
    sql.exec('CREATE INDEX IF NOT EXISTS usage_listing ON usage (hour DESC, endpoint)');
  },
];

/** A lease as the gate keeps it in memory: a mirror of its row (see `KeyGate.leases`). */
interface HeldLease {
  expires_at: number;
  endpoint: string;
  windows: string;
  reserved: number;
}

type LeaseRow = { id: string } & HeldLease & Record<string, SqlStorageValue>;

/**
 * The gate: one Durable Object per API key (named by the key's hash).
 *
 * Leases live in the object's SQLite, with the tokens they reserve, so an evicted
 * or restarted object keeps counting what is in flight. `acquire` counts leases,
 * checks and takes the key's rate and token windows, and inserts the lease with
 * synchronous SQL calls and no await in between: the step is atomic without a
 * lock. The leases table is mirrored in memory (read once per instance, then
 * written through), so counting them and releasing one reads no SQL. An alarm
 * reclaims leases whose holder never released them (a crashed isolate), charging
 * what they reserved, so a slot is held at most for one lease TTL. Usage counters
 * are kept in memory and written by the same alarm.
 */
export class KeyGate extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly windows: RateWindows;
  private readonly ledger: UsageLedger;
  /** The armed alarm's time as this instance knows it (undefined: not read yet). Only this object sets it. */
  private alarmAt: number | null | undefined;
  /** Mirror of the persisted revoked flag (undefined: not read yet). Only this object writes it. */
  private revoked: boolean | undefined;
  /** Requests in flight waiting to hear that their key was revoked (`watch`), by lease id. In memory: see `watch`. */
  private readonly watchers = new Map<string, (outcome: LeaseEnd) => void>();
  /**
   * The leases table, by id: loaded in the constructor and changed only in the same
   * synchronous step as the table. A restarted object reloads it from SQLite.
   */
  private readonly leases = new Map<string, HeldLease>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrateSchema(ctx.storage, MIGRATIONS);
    this.windows = new RateWindows(this.sql);
    this.ledger = new UsageLedger(this.sql);
    for (const { id, ...lease } of this.sql.exec<LeaseRow>(
      'SELECT id, expires_at, endpoint, windows, reserved FROM leases',
    )) {
      this.leases.set(id, lease);
    }
  }

  /**
   * Admit one request if fewer than `limit` leases are live and every rule has room
   * in its current window: calls left, and `tokens` (the request's reservation) left
   * in each token budget. Concurrency is checked first, so a request refused for
   * concurrency costs no quota; one refused for calls costs no tokens and the
   * reverse. `released`: leases of finished requests the caller's isolate had
   * waiting (release-batch.ts), released first. One synchronous step.
   */
  async acquire(
    limit: number,
    ttlMs: number,
    endpointId: string,
    rules: RateRule[] = [],
    tokens = 0,
    released: ReleaseReport[] = [],
  ): Promise<Admission> {
    const now = Date.now();
    // The admission rewrites one of the carried releases' rows (one statement, one row written, instead of a
    // delete and an insert); the rest are deleted.
    const freed = this.endAll(released, now);
    const counted = released.length > 0; // each carried release brings its usage, which the ledger flushes
    const reuse = freed.pop();
    const admission = this.admit(limit, ttlMs, endpointId, rules, tokens, now, reuse);
    if (!admission.ok && reuse !== undefined) freed.push(reuse);
    this.deleteRows(freed);
    const alarmAt = Math.min(admission.ok ? now + ttlMs : Infinity, counted ? now + USAGE_FLUSH_MS : Infinity);
    if (alarmAt !== Infinity) await this.armAlarm(alarmAt);
    return admission;
  }

  /**
   * Free a slot and record what the request used: its token reservation is
   * replaced by its prompt + completion tokens.
   * Idempotent: a second release is a no-op. `refund`: the request never ran
   * (refused after admission), so its call and reservation are given back.
   */
  async release(leaseId: string, usage?: UsageReport, refund = false): Promise<boolean> {
    const now = Date.now();
    const held = this.end(leaseId, usage, refund, now);
    if (!held) return false;
    this.deleteRows([leaseId]);
    if (usage) await this.armAlarm(now + USAGE_FLUSH_MS);
    return true;
  }

  /**
   * Releases several leases at once (an isolate's batch, see release-batch.ts); each as
   * `release` does. Answers what an isolate handing leases on needs to hear: whether the
   * key is revoked, and how many leases are live.
   */
  async releaseAll(released: ReleaseReport[]): Promise<KeyWord> {
    const now = Date.now();
    const freed = this.endAll(released, now);
    this.deleteRows(freed);
    if (released.length) await this.armAlarm(now + USAGE_FLUSH_MS);
    return { revoked: this.isRevoked(), inFlight: this.countLeases(now) };
  }

  /** Extend a live lease (long streams call this well before it expires). */
  async renew(leaseId: string, ttlMs: number): Promise<boolean> {
    const lease = this.leases.get(leaseId);
    if (!lease) return false;
    const expiresAt = Date.now() + ttlMs;
    this.sql.exec('UPDATE leases SET expires_at = ? WHERE id = ?', expiresAt, leaseId);
    lease.expires_at = expiresAt;
    await this.armAlarm(expiresAt);
    return true;
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
    if (!this.leases.has(leaseId)) return 'released';
    this.settle(leaseId, 'released'); // one watcher per lease
    return new Promise<LeaseEnd>((resolve) => this.watchers.set(leaseId, resolve));
  }

  async inFlight(): Promise<number> {
    return this.countLeases(Date.now());
  }

  /** What key info shows: requests in flight and, for a key with a token budget of this period, its current window. */
  async status(budgetPeriodMs?: number): Promise<{ inFlight: number; budget: WindowState | null }> {
    const now = Date.now();
    return {
      inFlight: this.countLeases(now),
      budget: budgetPeriodMs ? this.windows.state(KEY_BUDGET_SCOPE, budgetPeriodMs, now) : null,
    };
  }

  /** The current window of the key's own token budget. */
  async budget(periodMs: number): Promise<WindowState> {
    return this.windows.state(KEY_BUDGET_SCOPE, periodMs, Date.now());
  }

  /** Tokens reserved by requests in flight, over every window (0 once all have settled). */
  async reservedTokens(): Promise<number> {
    return this.windows.totalReserved();
  }

  /** A page of the key's usage rows (newest hour first), after `after`: `limit` rows read, never the whole table. */
  async usage(after: UsagePosition | null = null, limit = USAGE_PAGE_MAX): Promise<UsageRow[]> {
    return this.ledger.rows(after, Math.min(limit, USAGE_PAGE_MAX));
  }

  /**
   * Reclaims expired leases (a crashed request's slot comes back; what it reserved
   * stays charged, since the router never said what it used) and writes the usage
   * counters; then re-arms for the next expiry.
   */
  override async alarm(): Promise<void> {
    this.alarmAt = null; // a fired alarm is no longer armed
    const now = Date.now();
    this.sql.exec('DELETE FROM leases WHERE expires_at <= ?', now);
    let next: number | null = null;
    for (const [id, lease] of this.leases) {
      if (lease.expires_at > now) {
        next = next === null ? lease.expires_at : Math.min(next, lease.expires_at);
        continue;
      }
      this.leases.delete(id);
      this.settle(id, 'released');
      if (lease.reserved > 0)
        this.windows.settle(parseWindows(lease.windows, lease.endpoint), lease.reserved, lease.reserved);
    }
    this.ledger.flush();
    if (next !== null) {
      await this.ctx.storage.setAlarm(next);
      this.alarmAt = next;
    }
  }

  /**
   * The synchronous part of an admission (see `acquire`); writes the lease when it
   * admits: into `reuse`, the row of a lease just released (whose delete the caller
   * left to this), or a new row. A refusal leaves `reuse` alone.
   */
  private admit(
    limit: number,
    ttlMs: number,
    endpointId: string,
    rules: RateRule[],
    tokens: number,
    now: number,
    reuse?: string,
  ): Admission {
    if (this.isRevoked()) return { ok: false, reason: 'revoked', retryAfterSeconds: 0 };
    // Expired leases do not count (the alarm deletes them); counted in memory, no write unless admitted.
    const inFlight = this.countLeases(now);
    if (inFlight >= limit) {
      return { ok: false, reason: 'concurrency', retryAfterSeconds: 1 };
    }
    const take = rules.length ? this.windows.take(endpointId, rules, now, tokens) : NO_RULES;
    if (!take.ok) return take;
    const leaseId = crypto.randomUUID();
    const lease: HeldLease = {
      expires_at: now + ttlMs,
      endpoint: endpointId,
      windows: take.windows.length ? JSON.stringify(take.windows) : '[]',
      reserved: take.windows.length ? tokens : 0,
    };
    if (reuse === undefined) {
      this.sql.exec(
        'INSERT INTO leases (id, expires_at, endpoint, windows, reserved) VALUES (?, ?, ?, ?, ?)',
        leaseId,
        lease.expires_at,
        lease.endpoint,
        lease.windows,
        lease.reserved,
      );
    } else {
      this.sql.exec(
        'UPDATE leases SET id = ?, expires_at = ?, endpoint = ?, windows = ?, reserved = ? WHERE id = ?',
        leaseId,
        lease.expires_at,
        lease.endpoint,
        lease.windows,
        lease.reserved,
        reuse,
      );
    }
    this.leases.set(leaseId, lease);
    return { ok: true, leaseId, inFlight: inFlight + 1, ...(take.headroom ? { headroom: take.headroom } : {}) };
  }

  /**
   * Ends a lease this object holds (false: it holds none by that id): its windows are
   * settled and its usage goes to the ledger (the caller's alarm flushes it). Its row
   * is the caller's to delete or reuse.
   */
  private end(leaseId: string, usage: UsageReport | undefined, refund: boolean, now: number): boolean {
    const row = this.leases.get(leaseId);
    this.leases.delete(leaseId);
    this.settle(leaseId, 'released');
    if (!row) return false;
    if (row.windows !== '[]') {
      const windows = parseWindows(row.windows, row.endpoint);
      if (refund) this.windows.refund(windows, row.reserved);
      else this.windows.settle(windows, row.reserved, usage ? chargedTokens(usage) : 0);
    }
    if (usage) this.ledger.add(usage, now);
    return true;
  }

  /** Ends each of these leases; the ids of those it held, whose rows are left to the caller. */
  private endAll(released: ReleaseReport[], now: number): string[] {
    const held: string[] = [];
    for (const r of released) {
      if ('tally' in r) this.ledger.addTally(r.tally, now);
      else if (this.end(r.leaseId, r.usage, false, now)) held.push(r.leaseId);
    }
    return held;
  }

  private deleteRows(ids: string[]): void {
    for (const id of ids) this.sql.exec('DELETE FROM leases WHERE id = ?', id);
  }

  private settle(leaseId: string, outcome: LeaseEnd): void {
    const resolve = this.watchers.get(leaseId);
    if (!resolve) return;
    this.watchers.delete(leaseId);
    resolve(outcome);
  }

  private isRevoked(): boolean {
    this.revoked ??= this.sql.exec("SELECT 1 FROM flags WHERE name = 'revoked'").toArray().length > 0;
    return this.revoked;
  }

  /** Live leases (expired ones wait for the alarm to delete them, and do not count). */
  private countLeases(now: number): number {
    let n = 0;
    for (const lease of this.leases.values()) if (lease.expires_at > now) n++;
    return n;
  }

  /** Makes sure an alarm fires by `at` (the earliest wins); storage is read once per instance, written only when it moves. */
  private async armAlarm(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt === null || this.alarmAt > at) {
      this.alarmAt = at;
      await this.ctx.storage.setAlarm(at);
    }
  }
}

const NO_RULES: RateTake = { ok: true, windows: [] };
