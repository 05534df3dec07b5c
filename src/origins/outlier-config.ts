import { routerConfig, type OutlierConfig } from '../config';

/** A client's own first-byte timeout shorter than this says nothing about the origin: it is not counted. */
export const TIMEOUT_FLOOR_MS = 1_000;

/** The passive outlier detection settings (parsed in src/config.ts with the other vars). */
export function outlierConfig(env: Env): OutlierConfig {
  return routerConfig(env).outlier;
}
