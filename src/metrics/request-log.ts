/** How a request ended: answered in full, ended by its client (or a revocation), or failed. */
export type Outcome = 'completed' | 'aborted' | 'failed';

export interface RequestLogLine {
  request_id: string;
  key_id: string;
  endpoint: string;
  served_entity: string;
  stream: boolean;
  status: number;
  outcome: Outcome;
  prompt_tokens: number;
  completion_tokens: number;
  ttfb_ms: number | null;
  duration_ms: number;
}

/** One structured line per request: ids, counts and timings, never prompt or completion text. */
export function logRequest(line: RequestLogLine): void {
  console.log(JSON.stringify({ msg: 'request', ...line }));
}
