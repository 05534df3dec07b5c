import type { UsagePosition, UsageReport, UsageRow, UsageTally } from './types';

/** How long a key's usage counters may stay in memory before they are written (the most a crash can lose). */
export const USAGE_FLUSH_MS = 10_000;

export const USAGE_TABLE = `
  CREATE TABLE IF NOT EXISTS usage (
    endpoint TEXT NOT NULL, hour TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0,
    aborted INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (endpoint, hour)
  )`;

/**
 * The usage listing's pages, newest hour first, then by endpoint: both read the `usage_listing` index in its order
 * (key-gate.ts, schema step 3), the later pages from the cursor on (`hour <= ?1` is the index range).
 */
export const USAGE_FIRST_PAGE = 'SELECT * FROM usage ORDER BY hour DESC, endpoint LIMIT ?1';
export const USAGE_PAGE_AFTER =
  'SELECT * FROM usage WHERE hour <= ?1 AND (hour < ?1 OR endpoint > ?2) ORDER BY hour DESC, endpoint LIMIT ?3';

/**
 * A key's usage per endpoint and hour, counted in memory and written in one go
 * (the gate's alarm flushes it within USAGE_FLUSH_MS, and every read flushes first),
 * so that a request's release writes no usage row. What a crash of the object can
 * lose is the last USAGE_FLUSH_MS of counters; leases and token budgets are not
 * counted here and lose nothing.
 */
export class UsageLedger {
  private readonly pending = new Map<string, UsageRow>();

  constructor(private readonly sql: SqlStorage) {}

  get dirty(): boolean {
    return this.pending.size > 0;
  }

  add(usage: UsageReport, now: number): void {
    const row = this.row(usage.endpoint, now);
    row.requests++;
    row[usage.outcome]++;
    row.prompt_tokens += usage.promptTokens;
    row.completion_tokens += usage.completionTokens;
  }

  /** Several requests' usage at once (a tally from an isolate, see release-batch.ts). */
  addTally(tally: UsageTally, now: number): void {
    const row = this.row(tally.endpoint, now);
    row.requests += tally.completed + tally.aborted + tally.failed;
    row.completed += tally.completed;
    row.aborted += tally.aborted;
    row.failed += tally.failed;
    row.prompt_tokens += tally.promptTokens;
    row.completion_tokens += tally.completionTokens;
  }

  private row(endpoint: string, now: number): UsageRow {
    const hour = new Date(now).toISOString().slice(0, 13) + ':00:00Z';
    const id = `${endpoint}\n${hour}`;
    let row = this.pending.get(id);
    if (!row) {
      row = {
        endpoint,
        hour,
        requests: 0,
        completed: 0,
        aborted: 0,
        failed: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
      };
      this.pending.set(id, row);
    }
    return row;
  }

  /** Writes what is pending (one upsert per endpoint and hour). */
  flush(): void {
    for (const row of this.pending.values()) {
      this.sql.exec(
        `INSERT INTO usage (endpoint, hour, requests, completed, aborted, failed, prompt_tokens, completion_tokens)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (endpoint, hour) DO UPDATE SET
           requests = requests + ?3, completed = completed + ?4, aborted = aborted + ?5, failed = failed + ?6,
           prompt_tokens = prompt_tokens + ?7, completion_tokens = completion_tokens + ?8`,
        row.endpoint,
        row.hour,
        row.requests,
        row.completed,
        row.aborted,
        row.failed,
        row.prompt_tokens,
        row.completion_tokens,
      );
    }
    this.pending.clear();
  }

  /** Up to `limit` rows, newest hour first, then by endpoint, after `after` (what is pending is written first). */
  rows(after: UsagePosition | null, limit: number): UsageRow[] {
    this.flush();
    const page = after
      ? this.sql.exec<UsageRow & Record<string, SqlStorageValue>>(USAGE_PAGE_AFTER, after.hour, after.endpoint, limit)
      : this.sql.exec<UsageRow & Record<string, SqlStorageValue>>(USAGE_FIRST_PAGE, limit);
    return page.toArray();
  }
}
