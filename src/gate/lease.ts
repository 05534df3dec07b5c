import type { KeyRecord } from '../auth/key-record';
import { ApiError, errors } from '../http/api-error';
import type { KeyGate } from './key-gate';
import type { Endpoint, RateLimit } from '../endpoints/schema';
import type { Admission, RateRule, RateTake, Refusal, UsageReport } from './types';

/** How long a lease lives without renewal. Requests in flight renew it every third of this. */
export const LEASE_TTL_MS = 120_000;

/**
 * One admitted request's slot in its key's gate. `release` is idempotent and
 * never throws: every exit path may call it.
 */
export class Lease {
  private released: Promise<void> | null = null;
  private renewal: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly gate: DurableObjectStub<KeyGate>,
    readonly id: string,
    private readonly ttlMs: number,
    /** How long admission took (the acquire round trip), for Server-Timing. */
    readonly admissionMs = 0,
  ) {}

  /**
   * Renews the lease every third of its TTL until it is released, so a long
   * request (a long stream, or a slow non-streaming answer) keeps its slot while
   * a crashed one loses it within one TTL. Renewal stops after `maxMs` whatever
   * happens, so even a request stuck in this isolate frees its slot one TTL later.
   */
  keepAlive(waitUntil: (p: Promise<unknown>) => void, maxMs: number): void {
    if (this.released || this.renewal) return;
    const until = Date.now() + maxMs;
    this.renewal = setInterval(() => {
      if (Date.now() > until) {
        if (this.renewal) clearInterval(this.renewal);
        return;
      }
      waitUntil(
        this.gate.renew(this.id, this.ttlMs).catch((err: unknown) => {
          console.warn(JSON.stringify({ msg: 'lease renew failed', lease: this.id, error: String(err) }));
        }),
      );
    }, this.ttlMs / 3);
  }

  /**
   * Calls `onRevoked` the moment the key is revoked while this request runs: the
   * gate answers a pending `watch` call on revocation (or on release). No await on
   * the request path; if the gate restarts mid-watch, the watch is made again.
   */
  watchRevocation(onRevoked: () => void): void {
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

  release(usage: UsageReport): Promise<void> {
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
    this.released ??= this.gate.release(this.id, usage).then(
      () => undefined,
      (err: unknown) => {
        // The lease expires by itself; the gate's alarm reclaims it.
        console.error(JSON.stringify({ msg: 'lease release failed', lease: this.id, error: String(err) }));
      },
    );
    return this.released;
  }
}

const WATCH_ATTEMPTS = 5;
const WATCH_RETRY_MS = 1_000;

export function gateFor(env: Env, key: KeyRecord): DurableObjectStub<KeyGate> {
  return env.GATE.getByName(key.hash);
}

/** Is the key revoked? One RPC to its gate, for routes that admit nothing (the admin API, `/v1/models`): revocation counts from the next request in every isolate. */
export async function revokedNow(env: Env, key: KeyRecord): Promise<boolean> {
  return gateCall(key, () => gateFor(env, key).isRevokedNow());
}

const PERIOD_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** The endpoint's rate limits of one kind, as the gate counts them. */
function rules(endpoint: Endpoint, kind: RateLimit['key']): RateRule[] {
  return endpoint.rate_limits
    .filter((r) => r.key === kind)
    .map((r) => ({
      calls: r.calls,
      periodMs: PERIOD_MS[r.renewal_period],
      label: `${r.calls} calls per ${r.renewal_period} ${kind === 'api_key' ? 'for this API key on' : 'for all keys of'} endpoint '${endpoint.name}'`,
    }));
}

/**
 * The object that counts an endpoint's all-keys rate limits: named by the endpoint's
 * identity, not its name, so an endpoint re-created under the same name starts afresh.
 */
function endpointLimiter(env: Env, endpoint: Pick<Endpoint, 'id'>): DurableObjectStub<KeyGate> {
  return env.GATE.getByName(`endpoint:${endpoint.id}`);
}

/** Deletes an endpoint's all-keys rate-limit state (with the endpoint). */
export async function forgetEndpointLimits(env: Env, endpoint: Pick<Endpoint, 'id'>): Promise<void> {
  await endpointLimiter(env, endpoint).forget();
}

/**
 * Admission: one RPC to the key's gate (concurrency, revocation and the key's own
 * rate limits in one atomic step), plus one to the endpoint's limiter only when the
 * endpoint has all-keys rate limits. Refusals: 429 (concurrency, rate) or 401 (revoked).
 */
export async function admit(env: Env, key: KeyRecord, endpoint: Endpoint): Promise<Lease> {
  const gate = gateFor(env, key);
  const started = performance.now();
  const admission = await gateCall(key, async (): Promise<Admission> => gate.acquire(key.concurrency_limit, LEASE_TTL_MS, endpoint.id, rules(endpoint, 'api_key')));
  if (!admission.ok) throw refusal(admission);
  const shared = rules(endpoint, 'endpoint');
  if (shared.length) {
    const take = await gateCall(key, async () => (await endpointLimiter(env, endpoint).take(endpoint.id, shared)) as RateTake).catch(async (err: unknown) => {
      await gate.release(admission.leaseId, undefined, true);
      throw err;
    });
    if (!take.ok) {
      await gate.release(admission.leaseId, undefined, true);
      throw refusal(take);
    }
  }
  return new Lease(gate, admission.leaseId, LEASE_TTL_MS, performance.now() - started);
}

async function gateCall<T>(key: KeyRecord, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    console.error(JSON.stringify({ msg: 'gate unavailable', key: key.id, error: String(err) }));
    throw new ApiError(503, 'Admission control is temporarily unavailable, please retry', {
      code: 'gate_unavailable',
      headers: { 'retry-after': '1' },
    });
  }
}

function refusal(r: Refusal): ApiError {
  if (r.reason === 'rate') {
    return new ApiError(429, `Rate limit exceeded: ${r.limit}. Retry after ${r.retryAfterSeconds} s`, {
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': String(r.retryAfterSeconds) },
    });
  }
  return r.reason === 'revoked' ? errors.invalidKey() : errors.concurrency(r.retryAfterSeconds);
}
