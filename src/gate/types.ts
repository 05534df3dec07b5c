/** What the router reports to the gate when a request finishes. */
export interface UsageReport {
  endpoint: string;
  outcome: 'completed' | 'aborted' | 'failed';
  promptTokens: number;
  completionTokens: number;
}

/** A calls-per-period limit, counted in fixed windows aligned to the epoch. */
export interface RateRule {
  calls: number;
  periodMs: number;
  /** How the refusal names the limit, e.g. "100 calls per minute for this API key on endpoint 'chat'". */
  label: string;
}

export type Refusal =
  | { ok: false; reason: 'concurrency' | 'revoked'; retryAfterSeconds: number }
  | { ok: false; reason: 'rate'; retryAfterSeconds: number; limit: string };

/** How an admitted request's lease ended, as `KeyGate.watch` reports it. */
export type LeaseEnd = 'revoked' | 'released';

export type Admission = { ok: true; leaseId: string; inFlight: number } | Refusal;

export type RateTake = { ok: true; windows: Array<[periodMs: number, window: number]> } | Extract<Refusal, { reason: 'rate' }>;

export interface UsageRow {
  endpoint: string;
  hour: string;
  requests: number;
  completed: number;
  aborted: number;
  failed: number;
  prompt_tokens: number;
  completion_tokens: number;
}
