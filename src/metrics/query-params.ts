import { errors } from '../http/errors';
import { MINUTE_RETENTION_MS, type Resolution } from './endpoint-metrics';
import { HOUR_MS, MINUTE_MS } from './series-keys';

/** Most points one series may have. */
export const MAX_POINTS = 1_500;
const DEFAULT_WINDOW_MS = HOUR_MS;

export interface MetricsQuery {
  since: number;
  until: number;
  stepMs: number;
  steps: number;
  resolution: Resolution;
}

/** The latest time a query may name: the end of year 9999, the last RFC 3339 can write (and well within a Date). */
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** A time: RFC 3339 (`2026-11-30T10:00:00Z`) or Unix seconds, no later than MAX_TIME_MS. */
function parseTime(param: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const ms = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms))
    throw errors.invalidQuery(param, 'give an RFC 3339 time (2026-11-30T10:00:00Z) or Unix seconds');
  // Unix seconds can name a time no Date holds (the answer's ISO times would throw): refused by name.
  if (ms > MAX_TIME_MS) throw errors.invalidQuery(param, `give a time no later than 9999-12-31T23:59:59Z`);
  return ms;
}

/** A step: seconds (`300`) or a number with a unit (`60s`, `5m`, `1h`, `1d`). */
function parseStep(raw: string | undefined): number | null {
  if (raw === undefined || raw === '') return null;
  const m = /^(\d+)([smhd]?)$/.exec(raw);
  if (!m) throw errors.invalidQuery('step', 'give seconds (300) or a duration with a unit (60s, 5m, 1h, 1d)');
  const unit = { '': 1_000, s: 1_000, m: MINUTE_MS, h: HOUR_MS, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/**
 * `since`/`until` (default: the last hour) and `step` (default: the smallest that
 * keeps the series under MAX_POINTS). Minute buckets serve windows inside the last
 * 7 days; older windows read hour buckets, so their step is a whole number of hours.
 */
export function parseMetricsQuery(q: Record<string, string | undefined>, now = Date.now()): MetricsQuery {
  const until = parseTime('until', q.until, now);
  const since = parseTime('since', q.since, until - DEFAULT_WINDOW_MS);
  if (since >= until) throw errors.invalidQuery('since', "it must be before 'until'");
  const resolution: Resolution = since >= now - MINUTE_RETENTION_MS ? 'minute' : 'hour';
  const unit = resolution === 'minute' ? MINUTE_MS : HOUR_MS;
  let stepMs = parseStep(q.step) ?? Math.max(unit, Math.ceil((until - since) / MAX_POINTS / unit) * unit);
  if (stepMs <= 0 || stepMs % unit !== 0) {
    throw errors.invalidQuery(
      'step',
      resolution === 'minute'
        ? 'it must be a whole number of minutes (60, 120, 5m …)'
        : 'windows older than 7 days are kept per hour; give a whole number of hours (3600, 1h …)',
    );
  }
  const start = Math.floor(since / stepMs) * stepMs;
  const steps = Math.ceil((until - start) / stepMs);
  if (steps > MAX_POINTS) {
    throw errors.invalidQuery(
      'step',
      `the window would have ${steps} points; at most ${MAX_POINTS} (use a larger step)`,
    );
  }
  stepMs = Math.max(stepMs, unit);
  return { since: start, until: start + steps * stepMs, stepMs, steps, resolution };
}
