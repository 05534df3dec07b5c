import type { KeyRecord } from '../auth/key-record';
import { errors } from '../http/errors';
import { queueRelease, sendReleases, takeReleases } from './release-batch';
import type { KeyGate } from './key-gate';
import type { RateLimiter } from './rate-limiter';
import { chargedTokens, type TokenEstimate } from './token-estimate';
import type { TokenHeadroom, UsageReport, WindowRef } from './types';

/** How long a lease lives without renewal. Requests in flight renew it every third of this. */
export const LEASE_TTL_MS = 120_000;

/**
 * One admitted request's slot in its key's gate. `release` is idempotent and
 * never throws: every exit path may call it.
 */
export class Lease {
  private released: Promise<void> | null = null;
  private renewal: ReturnType<typeof setInterval> | null = null;
  /** Was it looked after (`hold`)? A lease with a revocation watch on it is not handed on. */
  private held = false;

  private stub: DurableObjectStub<KeyGate> | null = null;

  constructor(
    /** The key's gate (called for only when needed: a lease taken over may never speak to it). */
    private readonly openGate: () => DurableObjectStub<KeyGate>,
    readonly id: string,
    private readonly ttlMs: number,
    /** How long admission took (the acquire round trip), for Server-Timing. */
    readonly admissionMs = 0,
    /** Token budgets this request counts against: what it reserved, and where the endpoint's limiter holds it. */
    private readonly budget?: LeaseBudget,
    /** The gate's name, to send the release with others (release-batch.ts); without it, it goes at once. */
    private readonly gateName?: string,
    /** When the gate granted the lease, if the next request on the key may take it over once this one is done (release-batch.ts). */
    private readonly grantedAt: number | null = null,
  ) {}

  private get gate(): DurableObjectStub<KeyGate> {
    return (this.stub ??= this.openGate());
  }

  /** OpenAI's token rate-limit headers, from the tightest budget at admission (none when no budget applies). */
  budgetHeaders(): Record<string, string> {
    return this.budget?.headroom ? tokenHeaders(this.budget.headroom) : {};
  }

  /**
   * Looks after the lease while its request runs (the relay starts this once the
   * request has run UPKEEP_AFTER_MS: most requests are over by then and cost the gate
   * nothing more than acquire and release):
   * - renews it every third of its TTL, so a long request (a long stream, or a slow
   *   non-streaming answer) keeps its slot while a crashed one loses it within one
   *   TTL. Renewal stops after `maxMs` whatever happens, so even a request stuck in
   *   this isolate frees its slot one TTL later;
   * - calls `onRevoked` the moment the key is revoked: the gate answers a pending
   *   `watch` call on revocation (or on release), and answers at once when the key
   *   was revoked before the watch began. If the gate restarts mid-watch, the watch
   *   is made again.
   * No await on the request path.
   */
  hold(waitUntil: (p: Promise<unknown>) => void, maxMs: number, onRevoked: () => void): void {
    if (this.released || this.renewal) return;
    this.held = true;
    const until = Date.now() + maxMs;
    this.watchRevocation(onRevoked);
    this.renewal = setInterval(() => {
      if (Date.now() > until) return this.stopRenewal();
      waitUntil(
        this.gate.renew(this.id, this.ttlMs).catch((err: unknown) => {
          console.warn(JSON.stringify({ msg: 'lease renew failed', lease: this.id, error: String(err) }));
        }),
      );
    }, this.ttlMs / 3);
  }

  private watchRevocation(onRevoked: () => void): void {
    const watch = async () => {
      for (let attempt = 0; attempt < WATCH_ATTEMPTS && !this.released; attempt++) {
        try {
          if ((await this.gate.watch(this.id)) === 'revoked') onRevoked();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, WATCH_RETRY_MS));
        }
      }
    };
    void watch();
  }

  private stopRenewal(): void {
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
  }

  /**
   * Frees the slot and settles token reservations with what the request used
   * (`usage`). The gate's part rides with this isolate's next admission for the key
   * (which may take the lease over), or goes within RELEASE_BATCH_MS
   * (release-batch.ts); `immediately`: it goes at once, with whatever else waits for
   * the gate (a refused or failed request, whose error answer waits for it). The
   * promise resolves once it is sent.
   */
  release(usage: UsageReport, immediately = false): Promise<void> {
    this.stopRenewal();
    this.released ??= this.settle(usage, immediately);
    return this.released;
  }

  private async settle(usage: UsageReport, immediately: boolean): Promise<void> {
    const budget = this.budget;
    const shared = budget?.shared;
    const own = { leaseId: this.id, usage };
    await Promise.all([
      this.gateName === undefined
        ? this.gate.release(this.id, usage).catch((err: unknown) => {
            // The lease expires by itself; the gate's alarm reclaims it (and charges what it reserved).
            console.error(JSON.stringify({ msg: 'lease release failed', lease: this.id, error: String(err) }));
          })
        : immediately
          ? sendReleases(this.gate, [...takeReleases(this.gateName), own])
          : queueRelease(() => this.gate, this.gateName, own, this.held ? null : this.grantedAt),
      shared &&
        shared.limiter.settle(shared.windows, budget.reserved, chargedTokens(usage)).catch((err: unknown) => {
          // The reservation stays counted until its window ends.
          console.error(JSON.stringify({ msg: 'limiter settle failed', lease: this.id, error: String(err) }));
        }),
    ]);
  }
}

/** A lease's part in token budgets. */
export interface LeaseBudget {
  estimate: TokenEstimate;
  /** Tokens reserved (estimate.prompt + estimate.completion) in every window the request was counted in. */
  reserved: number;
  /** The tightest budget after admission (for the response headers). */
  headroom?: TokenHeadroom;
  /** Windows of the endpoint's limiter this request holds a reservation in. */
  shared?: { limiter: DurableObjectStub<RateLimiter>; windows: WindowRef[] };
}

/** `x-ratelimit-limit-tokens`, `x-ratelimit-remaining-tokens` and `x-ratelimit-reset-tokens` (a duration such as `6m0s`), as OpenAI sends them. */
export function tokenHeaders(h: TokenHeadroom, now = Date.now()): Record<string, string> {
  return {
    'x-ratelimit-limit-tokens': String(h.budget),
    'x-ratelimit-remaining-tokens': String(h.remaining),
    'x-ratelimit-reset-tokens': duration(h.resetAt - now),
  };
}

function duration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
}

/**
 * How long a request runs before its lease is renewed and watched for revocation
 * (Lease.hold, started by the relay): a revocation ends a request within this long.
 */
export const UPKEEP_AFTER_MS = 250;
const WATCH_ATTEMPTS = 5;
const WATCH_RETRY_MS = 1_000;

export function gateFor(env: Env, key: KeyRecord): DurableObjectStub<KeyGate> {
  return env.GATE.getByName(key.hash);
}

/** Is the key revoked? One RPC to its gate, for routes that admit nothing (the admin API, `/v1/models`): revocation counts from the next request in every isolate. */
export async function revokedNow(env: Env, key: KeyRecord): Promise<boolean> {
  return gateCall(key, () => gateFor(env, key).isRevokedNow());
}

export async function gateCall<T>(key: KeyRecord, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    console.error(JSON.stringify({ msg: 'gate unavailable', key: key.id, error: String(err) }));
    throw errors.gateUnavailable();
  }
}
