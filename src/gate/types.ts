/** What the router reports to the gate when a request finishes. */
export interface UsageReport {
  endpoint: string;
  outcome: 'completed' | 'aborted' | 'failed';
  promptTokens: number;
  completionTokens: number;
}

export type Admission =
  | { ok: true; leaseId: string; inFlight: number }
  | { ok: false; reason: 'concurrency' | 'revoked'; retryAfterSeconds: number };

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
