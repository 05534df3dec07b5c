import type { Outcome } from './request-log';

/**
 * The names of the counters kept per endpoint, served entity and minute. Every
 * value is a sum, so flushes from any number of isolates simply add up.
 *
 * - `req:<outcome>:<status class>`   relayed requests (outcome completed | failed | aborted; 2xx … 5xx)
 * - `refusal:<reason>`                requests refused before reaching an origin
 * - `<histogram>:<bucket index>`     latency, ttft, gap histograms (see buckets.ts); `<histogram>_sum` in ms
 * - `prompt_tokens`, `completion_tokens`
 * - `gen_ms`                          time spent generating (first token to end), for decode tokens/s
 * - `busy_ms`                         request-milliseconds inside the minute: / 60 000 = average in-flight
 * - `attempt:ok:<origin>`, `attempt:failed:<origin>`, `failover`, `eject:<origin>`
 * - `guard:<stage>:<outcome>`, `guard_cat:<stage>:<S1…S14>`, `guard_ms:<stage>`   guardrail checks (stage input | output;
 *   outcome pass | flag | block | error), the categories they found, their time in ms (endpoint-wide: entity '')
 */
export const OUTCOMES: readonly Outcome[] = ['completed', 'failed', 'aborted'];
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export const REFUSAL_REASONS = [
  'concurrency',
  'rate',
  'auth',
  'validation',
  'no_healthy_origin',
  'stopped',
  'other',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export function statusClass(status: number): StatusClass {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  return '2xx';
}

/** Which refusal an error code (or status) is. */
export function refusalReason(status: number, code: string | null): RefusalReason {
  if (code === 'concurrency_limit_exceeded') return 'concurrency';
  if (code === 'rate_limit_exceeded') return 'rate';
  if (code === 'no_healthy_origin') return 'no_healthy_origin';
  if (code === 'endpoint_stopped') return 'stopped';
  if (status === 401 || status === 403 || status === 404) return 'auth';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'validation';
  return 'other';
}

/** An origin as a label: scheme, host and path, without credentials or query. */
export function originLabel(url: string): string {
  let label = labels.get(url);
  if (label === undefined) {
    try {
      const u = new URL(url);
      label = `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, '')}`;
    } catch {
      label = 'invalid-url';
    }
    if (labels.size >= LABELS_KEPT) labels.clear();
    labels.set(url, label);
  }
  return label;
}

/** Every routed request labels its origin: parsed once per URL and isolate (origins are few; a full map starts over). */
const labels = new Map<string, string>();
const LABELS_KEPT = 1_000;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
