import { routerConfig, type OutlierConfig } from '../config';

/** The passive outlier detection settings (parsed in src/config.ts with the other vars). */
export function outlierConfig(env: Env): OutlierConfig {
  return routerConfig(env).outlier;
}
