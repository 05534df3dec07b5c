import type { RequestLogMode } from '../config';

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

/**
 * One structured line per request (ids, counts and timings, never prompt or completion
 * text), as `REQUEST_LOG` asks: every request, only those that did not complete, or none.
 * A line costs CPU on the request's thread (and Workers Logs bill per line), while the
 * endpoint metrics and the key's usage counters already count every request, so by
 * default only failures are logged.
 */
export function logRequest(line: RequestLogLine, mode: RequestLogMode): void {
  if (mode === 'off' || (mode === 'failures' && line.outcome === 'completed' && line.status < 400)) return;
  console.log(JSON.stringify({ msg: 'request', ...line }));
}
