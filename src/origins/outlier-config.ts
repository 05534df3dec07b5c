import type { Env } from '../env';

/**
 * Passive outlier detection settings (after Envoy's): operator-wide, from
 * `[vars]`, never per endpoint — the origins are shared, so no tenant may make
 * them easier to eject.
 */
export interface OutlierConfig {
  /** Consecutive failures (from at least two requests) that eject an (origin, model). */
  consecutiveFailures: number;
  /** First ejection's length; each further one doubles it, up to `maxEjectionMs`. */
  baseEjectionMs: number;
  maxEjectionMs: number;
  /** At most this share of a served entity's origins is ejected at once (at least one may be). */
  maxEjectionPercent: number;
}

export const DEFAULT_OUTLIER_CONFIG: OutlierConfig = {
  consecutiveFailures: 5,
  baseEjectionMs: 10_000,
  maxEjectionMs: 300_000,
  maxEjectionPercent: 50,
};

/** A client's own first-byte timeout shorter than this says nothing about the origin: it is not counted. */
export const TIMEOUT_FLOOR_MS = 1_000;

const parsed = new WeakMap<object, OutlierConfig>();

export function outlierConfig(env: Env): OutlierConfig {
  const hit = parsed.get(env);
  if (hit) return hit;
  const d = DEFAULT_OUTLIER_CONFIG;
  const config: OutlierConfig = {
    consecutiveFailures: int(env.OUTLIER_CONSECUTIVE_FAILURES, d.consecutiveFailures, 2, 1_000),
    baseEjectionMs: int(env.OUTLIER_BASE_EJECTION_MS, d.baseEjectionMs, 100, 3_600_000),
    maxEjectionMs: int(env.OUTLIER_MAX_EJECTION_MS, d.maxEjectionMs, 100, 86_400_000),
    maxEjectionPercent: int(env.OUTLIER_MAX_EJECTION_PERCENT, d.maxEjectionPercent, 0, 100),
  };
  config.maxEjectionMs = Math.max(config.maxEjectionMs, config.baseEjectionMs);
  parsed.set(env, config);
  return config;
}

/** An integer var within [min, max]; unset or out of range → the default. */
function int(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}
