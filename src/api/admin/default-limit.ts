import type { Context } from 'hono';
import type { AppEnv } from '../../env';

/** Concurrency limit for keys created without one (`DEFAULT_CONCURRENCY_LIMIT`, else 8). */
export function defaultLimit(c: Context<AppEnv>): number {
  const configured = Number(c.env.DEFAULT_CONCURRENCY_LIMIT);
  return Number.isInteger(configured) && configured > 0 ? configured : 8;
}
