import { DEFAULT_OUTLIER_CONFIG, type OutlierConfig } from '../config';

/**
 * Passive health, per isolate, after Envoy's outlier detection. Failures are
 * tracked per *scope*:
 * - `(origin, model)` for answers that prove the server is up but the model is
 *   not serving (5xx, no first byte in time): one failing model or LoRA adapter
 *   leaves the server's other models alone;
 * - the origin alone for connection failures (refused, reset before any byte).
 *
 * A scope is ejected after `consecutiveFailures` failures in a row that came
 * from at least two requests, for `baseEjectionMs × 2^(n-1)` (n-th ejection, up
 * to `maxEjectionMs`; n decays by one per base interval of good health), and
 * only while the ejected share of the pool stays within `maxEjectionPercent`
 * (one origin may always be) — in the failing request's pool and in every other
 * pool this isolate has served that holds the origin. When the ejection ends,
 * one request is let through as a trial (half-open): success closes the scope,
 * failure ejects it again.
 * Every way out of a trial settles it — success, failure, or *abandoned* (the
 * client left, its own timeout fired: no verdict, the next request tries) — and
 * a trial nobody settles expires after `TRIAL_TTL_MS`.
 *
 * Ejection only reorders and filters this isolate's choice; when every origin
 * of a pool is ejected the router routes anyway (panic mode, see select.ts).
 * Only the cron's active probes mark an origin down for every isolate.
 */
export const TRIAL_TTL_MS = 30_000;
/** Pools remembered for the ejection share (an isolate serves far fewer; past it the first noted goes). */
const MAX_POOLS = 1_000;

interface Scope {
  consecutive: number;
  /** Distinct requests among the current run of failures (capped at 2: all that matters). */
  requests: number;
  lastRequest: number;
  /** Times ejected, for the exponential backoff; decays while healthy. */
  level: number;
  healthySince: number;
  ejectedUntil: number;
  /** A half-open trial in flight since this time (0: none). */
  trialSince: number;
}

export type FailureKind = 'connect' | 'model';

export interface AttemptVerdicts {
  /** The origin answered (2xx–4xx): closes both scopes. */
  succeeded(now?: number): void;
  /** The origin failed; `pool` is the served entity's origin URLs (for the ejection share). Returns true when this ejected a scope. */
  failed(kind: FailureKind, pool: string[], now?: number): boolean;
  /** The attempt ended for a reason that says nothing about the origin (client gone, its own timeout, 429). */
  abandoned(): void;
  /** The outstanding count goes down; call when the exchange is over (idempotent). */
  end(): void;
}

let requestSeq = 0;
/** A fresh identity per request: failures in one request's retries count as one request. */
export function nextRequestToken(): number {
  return ++requestSeq;
}

const scopeKey = (url: string, model: string | null) => (model === null ? url : `${url}\u0000${model}`);

export class OutlierDetector {
  private readonly scopes = new Map<string, Scope>();
  private readonly outstandingByUrl = new Map<string, number>();
  /** The pools (served entities' origin URLs) this isolate has served, by their URLs, oldest first, at most MAX_POOLS. */
  private readonly pools = new Map<string, string[]>();
  /** Each pool array's key in `pools` (one per entity object: see entityPool). */
  private readonly poolKeys = new WeakMap<string[], string>();

  constructor(public config: OutlierConfig = DEFAULT_OUTLIER_CONFIG) {}

  private scope(key: string): Scope {
    let s = this.scopes.get(key);
    if (!s) {
      s = { consecutive: 0, requests: 0, lastRequest: 0, level: 0, healthySince: 0, ejectedUntil: 0, trialSince: 0 };
      this.scopes.set(key, s);
    }
    return s;
  }

  /** Is the origin ejected for this model right now (either scope)? */
  ejected(url: string, model: string, now = Date.now()): boolean {
    return this.scopeEjected(url, now) || this.scopeEjected(scopeKey(url, model), now);
  }

  /** May a request go to this origin now: not ejected, and no live trial holds its half-open scope. */
  available(url: string, model: string, now = Date.now()): boolean {
    return this.scopeAvailable(url, now) && this.scopeAvailable(scopeKey(url, model), now);
  }

  /** When the origin's ejection for this model ends (0: not ejected). */
  ejectedUntil(url: string, model: string): number {
    return Math.max(this.scopes.get(url)?.ejectedUntil ?? 0, this.scopes.get(scopeKey(url, model))?.ejectedUntil ?? 0);
  }

  outstanding(url: string): number {
    return this.outstandingByUrl.get(url) ?? 0;
  }

  /**
   * A request is served from this pool: the ejection share is checked on every pool seen holding an origin, not
   * only the failing request's own (or a pool of one could eject an origin that a larger pool shares).
   */
  notePool(pool: string[]): void {
    let key = this.poolKeys.get(pool);
    if (key === undefined) this.poolKeys.set(pool, (key = pool.join('\n')));
    // One lookup per request once a pool is known; past MAX_POOLS the first one noted goes (an isolate serves
    // far fewer, so no recency is kept).
    if (this.pools.has(key)) return;
    this.pools.set(key, pool);
    if (this.pools.size > MAX_POOLS) this.pools.delete(this.pools.keys().next().value as string);
  }

  /** An attempt on (url, model) by request `request` starts; the verdicts settle it exactly once. */
  start(url: string, model: string, request: number, now = Date.now()): AttemptVerdicts {
    const keys = [url, scopeKey(url, model)];
    const trials = keys.filter((k) => this.takeTrial(k, now));
    this.outstandingByUrl.set(url, this.outstanding(url) + 1);
    let settled = false;
    let ended = false;
    const settle = (fn: () => boolean | void): boolean => {
      if (settled) return false;
      settled = true;
      return fn() === true;
    };
    return {
      succeeded: (t = Date.now()) => {
        settle(() => keys.forEach((k) => this.close(k, t)));
      },
      failed: (kind, pool, t = Date.now()) =>
        settle(() => {
          // A connection failure blames the server; anything else proves it is up, and blames the model.
          if (kind === 'model') this.serverAnswered(url);
          const key = kind === 'connect' ? url : scopeKey(url, model);
          const other = trials.filter((k) => k !== key);
          other.forEach((k) => this.releaseTrial(k));
          return this.fail(key, url, request, trials.includes(key), pool, model, t);
        }),
      abandoned: () => {
        settle(() => trials.forEach((k) => this.releaseTrial(k)));
      },
      end: () => {
        if (ended) return;
        ended = true;
        this.outstandingByUrl.set(url, Math.max(this.outstanding(url) - 1, 0));
      },
    };
  }

  reset(): void {
    this.scopes.clear();
    this.outstandingByUrl.clear();
    this.pools.clear();
  }

  private scopeEjected(key: string, now: number): boolean {
    const s = this.scopes.get(key);
    return !!s && now < s.ejectedUntil;
  }

  private scopeAvailable(key: string, now: number): boolean {
    const s = this.scopes.get(key);
    if (!s) return true;
    if (now < s.ejectedUntil) return false;
    return !this.liveTrial(s, now);
  }

  private liveTrial(s: Scope, now: number): boolean {
    return s.trialSince !== 0 && now - s.trialSince < TRIAL_TTL_MS;
  }

  /** The ejection is over and nobody is trying: this attempt is the trial. */
  private takeTrial(key: string, now: number): boolean {
    const s = this.scopes.get(key);
    if (!s || s.ejectedUntil === 0 || now < s.ejectedUntil || this.liveTrial(s, now)) return false;
    s.trialSince = now;
    return true;
  }

  private releaseTrial(key: string): void {
    const s = this.scopes.get(key);
    if (s) s.trialSince = 0;
  }

  private close(key: string, now: number): void {
    const s = this.scopes.get(key);
    if (!s) return;
    if (s.ejectedUntil !== 0) s.healthySince = now;
    s.consecutive = 0;
    s.requests = 0;
    s.ejectedUntil = 0;
    s.trialSince = 0;
  }

  /** A 5xx or a timeout still proves the server accepts connections. */
  private serverAnswered(url: string): void {
    const s = this.scopes.get(url);
    if (s && s.ejectedUntil === 0) {
      s.consecutive = 0;
      s.requests = 0;
    }
  }

  private fail(
    key: string,
    url: string,
    request: number,
    wasTrial: boolean,
    pool: string[],
    model: string,
    now: number,
  ): boolean {
    const s = this.scope(key);
    s.trialSince = 0;
    if (s.ejectedUntil !== 0 && !wasTrial) {
      // Failures while ejected (panic routing, or a trial that already settled) neither extend nor repeat the ejection.
      return false;
    }
    if (request !== s.lastRequest) {
      s.requests = Math.min(s.requests + 1, 2);
      s.lastRequest = request;
    }
    s.consecutive++;
    if (!wasTrial) {
      if (s.consecutive < this.config.consecutiveFailures || s.requests < 2) return false;
      if (!this.shareAllows(url, pool, model, now)) return false;
    }
    this.eject(s, now);
    return true;
  }

  private eject(s: Scope, now: number): void {
    const { baseEjectionMs, maxEjectionMs } = this.config;
    if (s.healthySince !== 0) s.level = Math.max(s.level - Math.floor((now - s.healthySince) / baseEjectionMs), 0);
    s.healthySince = 0;
    s.level++;
    s.ejectedUntil = now + Math.min(baseEjectionMs * 2 ** (s.level - 1), maxEjectionMs);
  }

  /**
   * Ejecting `url` keeps the ejected share within the limit (or none is ejected yet) in the failing request's pool
   * and in every other pool this isolate has served that holds `url`.
   */
  private shareAllows(url: string, pool: string[], model: string, now: number): boolean {
    const key = this.poolKeys.get(pool);
    const others = [...this.pools.entries()].filter(([k, p]) => k !== key && p.includes(url)).map(([, p]) => p);
    return [pool, ...others].every((p) => this.poolAllows(p, model, now));
  }

  private poolAllows(pool: string[], model: string, now: number): boolean {
    const ejected = pool.filter((u) => this.ejected(u, model, now)).length;
    const allowed = Math.max(1, Math.floor((pool.length * this.config.maxEjectionPercent) / 100));
    return ejected < allowed;
  }
}

export const outliers = new OutlierDetector();
