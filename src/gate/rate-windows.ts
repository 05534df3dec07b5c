import type { RateRule, RateTake, TokenHeadroom, WindowRef, WindowState } from './types';

/** The window table both gate objects keep (the key's gate and the endpoint's limiter). */
export const RATE_WINDOWS_TABLE = `
  CREATE TABLE IF NOT EXISTS rate_windows (
    scope TEXT NOT NULL, period_ms INTEGER NOT NULL, window INTEGER NOT NULL,
    calls INTEGER NOT NULL DEFAULT 0, tokens INTEGER NOT NULL DEFAULT 0, reserved INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, period_ms, window)
  )`;

interface Row {
  calls: number;
  tokens: number;
  reserved: number;
}

/**
 * Fixed-window counters in an object's SQLite: one row per (scope, period, window)
 * counts the calls admitted in it, the tokens charged to it and the tokens reserved
 * by requests still running. Every method is synchronous SQL, so a caller's check
 * and take happen in one step with nothing interleaved. A row is only written for a
 * scope that has a rule.
 */
export class RateWindows {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Checks every rule, then counts the call and reserves `tokens` in each window
   * the rules name. Nothing is written unless all pass, so a request refused for
   * calls costs no tokens and one refused for tokens costs no call.
   */
  take(defaultScope: string, rules: readonly RateRule[], now: number, tokens: number): RateTake {
    const rows = new Map<string, { ref: WindowRef; row: Row | undefined }>();
    let headroom: TokenHeadroom | undefined;
    for (const rule of rules) {
      const scope = rule.scope ?? defaultScope;
      const window = Math.floor(now / rule.periodMs);
      const resetAt = (window + 1) * rule.periodMs;
      const id = `${scope}\n${rule.periodMs}`;
      let entry = rows.get(id);
      if (!entry) {
        entry = { ref: [scope, rule.periodMs, window], row: this.read(scope, rule.periodMs, window) };
        rows.set(id, entry);
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
      if (rule.calls !== undefined && (entry.row?.calls ?? 0) >= rule.calls) {
        return { ok: false, reason: 'rate', retryAfterSeconds, limit: rule.label };
      }
      if (rule.tokens !== undefined) {
        const left = rule.tokens - (entry.row?.tokens ?? 0) - (entry.row?.reserved ?? 0);
        if (tokens > left) {
          return {
            ok: false,
            reason: 'tokens',
            retryAfterSeconds,
            limit: rule.label,
            reserved: tokens,
            headroom: { budget: rule.tokens, remaining: Math.max(0, left), resetAt },
          };
        }
        if (!headroom || left - tokens < headroom.remaining)
          headroom = { budget: rule.tokens, remaining: left - tokens, resetAt };
      }
    }
    for (const { ref, row } of rows.values()) {
      const [scope, periodMs, window] = ref;
      if (row) {
        this.sql.exec(
          'UPDATE rate_windows SET calls = calls + 1, reserved = reserved + ? WHERE scope = ? AND period_ms = ? AND window = ?',
          tokens,
          scope,
          periodMs,
          window,
        );
      } else {
        this.sql.exec(
          'INSERT INTO rate_windows (scope, period_ms, window, calls, reserved) VALUES (?, ?, ?, 1, ?)',
          scope,
          periodMs,
          window,
          tokens,
        );
        // A new window: the past ones of this period go, whichever scope they counted (a deleted endpoint's too).
        this.sql.exec('DELETE FROM rate_windows WHERE period_ms = ? AND window < ?', periodMs, window);
      }
    }
    return { ok: true, windows: [...rows.values()].map((e) => e.ref), ...(headroom ? { headroom } : {}) };
  }

  /** The request never ran (refused further on): its call and its reservation come back. */
  refund(windows: readonly WindowRef[], reserved: number): void {
    for (const [scope, periodMs, window] of windows) {
      this.sql.exec(
        'UPDATE rate_windows SET calls = MAX(0, calls - 1), reserved = MAX(0, reserved - ?) WHERE scope = ? AND period_ms = ? AND window = ?',
        reserved,
        scope,
        periodMs,
        window,
      );
    }
  }

  /**
   * The request ended: its reservation is replaced by what it really used (in the windows it was admitted in).
   * A request that reserved nothing was counted by call rules only: nothing to write.
   */
  settle(windows: readonly WindowRef[], reserved: number, charged: number): void {
    if (reserved === 0) return;
    for (const [scope, periodMs, window] of windows) {
      this.sql.exec(
        'UPDATE rate_windows SET reserved = MAX(0, reserved - ?), tokens = tokens + ? WHERE scope = ? AND period_ms = ? AND window = ?',
        reserved,
        charged,
        scope,
        periodMs,
        window,
      );
    }
  }

  /** The current window of one scope and period, as the admin API shows it. */
  state(scope: string, periodMs: number, now: number): WindowState {
    const window = Math.floor(now / periodMs);
    const row = this.read(scope, periodMs, window);
    return {
      calls: row?.calls ?? 0,
      used: row?.tokens ?? 0,
      reserved: row?.reserved ?? 0,
      window_start: new Date(window * periodMs).toISOString(),
      resets_at: new Date((window + 1) * periodMs).toISOString(),
    };
  }

  /** Tokens reserved in every window this object holds (0 once every request has settled). */
  totalReserved(): number {
    return this.sql.exec<{ n: number | null }>('SELECT SUM(reserved) AS n FROM rate_windows').one().n ?? 0;
  }

  private read(scope: string, periodMs: number, window: number): Row | undefined {
    return this.sql
      .exec<Row & Record<string, SqlStorageValue>>(
        'SELECT calls, tokens, reserved FROM rate_windows WHERE scope = ? AND period_ms = ? AND window = ?',
        scope,
        periodMs,
        window,
      )
      .toArray()[0];
  }
}

/** The windows a lease was counted in, as stored with it (JSON). Leases from before token budgets stored `[period, window]` pairs of their endpoint. */
export function parseWindows(json: string, endpoint: string): WindowRef[] {
  return (JSON.parse(json) as Array<WindowRef | [number, number]>).map((w) =>
    w.length === 3 ? w : [endpoint, w[0], w[1]],
  );
}
