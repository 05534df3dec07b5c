/** What the router reports to the gate when a request finishes. */
export interface UsageReport {
  endpoint: string;
  outcome: 'completed' | 'aborted' | 'failed';
  promptTokens: number;
  completionTokens: number;
}

/**
 * A finished request's release, as the gate takes it (on its own, or carried by the
 * next admission): its lease and its usage; or a tally of the usage of requests whose
 * leases went on to the next request in their isolate (src/gate/release-batch.ts), which
 * the gate only counts.
 */
export type ReleaseReport = { leaseId: string; usage: UsageReport } | { tally: UsageTally };

/** Requests to one endpoint counted together: how many ended each way, and their tokens. */
export interface UsageTally {
  endpoint: string;
  completed: number;
  aborted: number;
  failed: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * A limit counted in fixed windows aligned to the epoch: calls, or tokens
 * (prompt + completion), per period. Rules of one scope and period share one
 * window row, which counts calls, charged tokens and reserved tokens together.
 */
export interface RateRule {
  /** Whose counter: in a key's gate an endpoint id, or `*` for the key's own budget; in a limiter `endpoint` or `tenant:<id>`. Default: the endpoint id the call names. */
  scope?: string;
  periodMs: number;
  calls?: number;
  tokens?: number;
  /** How the refusal names the limit, e.g. "100 calls per minute for this API key on endpoint 'chat'". */
  label: string;
}

/** One window a request was counted in: the scope, the rule's period and the window's index (epoch ms / period). */
export type WindowRef = [scope: string, periodMs: number, window: number];

/** The tightest token budget after an admission: what OpenAI's `x-ratelimit-*-tokens` headers report. */
export interface TokenHeadroom {
  /** The budget's size, in tokens per window. */
  budget: number;
  remaining: number;
  /** When its window ends (epoch ms). */
  resetAt: number;
}

export type Refusal =
  | { ok: false; reason: 'concurrency' | 'revoked'; retryAfterSeconds: number }
  | { ok: false; reason: 'rate'; retryAfterSeconds: number; limit: string }
  | {
      ok: false;
      reason: 'tokens';
      retryAfterSeconds: number;
      limit: string;
      reserved: number;
      headroom: TokenHeadroom;
    };

/** The state of a key as the gate tells an isolate after its releases (`KeyGate.releaseAll`). */
export interface KeyWord {
  revoked: boolean;
  /** Live leases. */
  inFlight: number;
}

/** How an admitted request's lease ended, as `KeyGate.watch` reports it. */
export type LeaseEnd = 'revoked' | 'released';

export type Admission = { ok: true; leaseId: string; inFlight: number; headroom?: TokenHeadroom } | Refusal;

export type RateTake =
  { ok: true; windows: WindowRef[]; headroom?: TokenHeadroom } | Extract<Refusal, { reason: 'rate' | 'tokens' }>;

/** A window's counters as the admin API shows them. */
export interface WindowState {
  calls: number;
  /** Tokens charged (settled requests, and expired leases' reservations). */
  used: number;
  /** Tokens reserved by requests in flight. */
  reserved: number;
  window_start: string;
  resets_at: string;
}

/** Usage rows sort by hour (newest first), then endpoint; a page starts after this position. */
export interface UsagePosition {
  hour: string;
  endpoint: string;
}

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
