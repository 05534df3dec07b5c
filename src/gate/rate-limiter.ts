import { DurableObject } from 'cloudflare:workers';
import { RATE_WINDOWS_TABLE, RateWindows } from './rate-windows';
import { migrateSchema, type Migration } from './schema-version';
import type { RateRule, RateTake, WindowRef, WindowState } from './types';

/** Scopes of an endpoint's limiter: all keys together, or all keys of one tenant. */
export const ENDPOINT_SCOPE = 'endpoint';
export const tenantScope = (tenantId: string) => `tenant:${tenantId}`;

const MIGRATIONS: readonly Migration[] = [
  // 1: calls, charged and reserved tokens per (scope, period, window).
  (sql) => sql.exec(RATE_WINDOWS_TABLE),
];

/**
 * One Durable Object per endpoint (named by its id, never reused): the endpoint's
 * rate limits and token budgets that count more than one key — `endpoint` (all keys)
 * and `tenant` (all keys of one tenant). The router takes a call and a token
 * reservation here after the key's gate admitted the request, gives them back if the
 * request is refused, and settles the reservation with the real usage at the end.
 * A reservation never settled (its isolate crashed) stays counted until its window ends.
 */
export class RateLimiter extends DurableObject<Env> {
  private readonly windows: RateWindows;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateSchema(ctx.storage, MIGRATIONS);
    this.windows = new RateWindows(ctx.storage.sql);
  }

  /** Checks every rule and, if all pass, counts the call and reserves `tokens` (one synchronous step). */
  async take(rules: RateRule[], tokens = 0): Promise<RateTake> {
    return this.windows.take(ENDPOINT_SCOPE, rules, Date.now(), tokens);
  }

  /** Gives back a call and its reservation taken by `take` (the request was refused further on). */
  async refund(windows: WindowRef[], reserved = 0): Promise<void> {
    this.windows.refund(windows, reserved);
  }

  /** Replaces a reservation by the tokens the request really used. */
  async settle(windows: WindowRef[], reserved: number, charged: number): Promise<void> {
    this.windows.settle(windows, reserved, charged);
  }

  /** The current window of one scope and period. */
  async state(scope: string, periodMs: number): Promise<WindowState> {
    return this.windows.state(scope, periodMs, Date.now());
  }

  /** Tokens reserved by requests in flight, over every window. */
  async reservedTokens(): Promise<number> {
    return this.windows.totalReserved();
  }

  /** Drops everything (the endpoint is deleted). */
  async forget(): Promise<void> {
    await this.ctx.storage.deleteAll();
    migrateSchema(this.ctx.storage, MIGRATIONS); // empty again, should a straggler still call
  }
}
