import type { KeyRecord } from '../auth/key-record';
import { routerConfig } from '../config';
import type { Endpoint } from '../endpoints/schema';
import { ApiError, errors } from '../http/errors';
import { gateCall, gateFor, Lease, LEASE_TTL_MS, tokenHeaders, type LeaseBudget } from './lease';
import type { RateLimiter } from './rate-limiter';
import { admissionRules, type AdmissionRules } from './rules';
import {
  confirmKey,
  forgetKey,
  needsRefresh,
  refreshKey,
  sendReleases,
  takeOverLease,
  takeReleases,
} from './release-batch';
import { reserveTokens, type TokenEstimate } from './token-estimate';
import type { Admission, RateTake, Refusal, TokenHeadroom } from './types';

/**
 * The request as the origin will get it: what a token budget's estimate reads. When a
 * budget applies and the body sets no completion limit, admission sets `body` to a copy
 * that carries the reserved one (token-estimate.ts), so the origin cannot generate more.
 */
export interface AdmittedRequest {
  path: string;
  body: unknown;
}

const NO_TOKENS: TokenEstimate = { prompt: 0, completion: 0 };

/**
 * Admission: the lease of a request on the same key that this isolate just finished,
 * when no rate or token window counts the request and the gate admitted a request on
 * the key from this isolate within `Config.leaseReuseMs` (no call at all:
 * release-batch.ts); otherwise one RPC
 * to the key's gate (concurrency, revocation, the key's own rate
 * limits and token budgets in one atomic step, after the releases this isolate has
 * waiting for the key), plus one to the endpoint's limiter
 * only when the endpoint has `endpoint` or `tenant` rules; a refusal there gives the
 * gate its call and reservation back. Token budgets reserve the request's estimate
 * (token-estimate.ts), computed only when a budget applies, and bound its generation
 * to what was reserved (`request.body`, see AdmittedRequest). Refusals: 429
 * (concurrency, calls, tokens) or 401 (revoked).
 */
export async function admit(
  env: Env,
  key: KeyRecord,
  endpoint: Endpoint,
  request?: AdmittedRequest,
  /** The request's `ctx.waitUntil`: keeps an admission by the gate running to its end if the client leaves. */
  waitUntil?: (p: Promise<unknown>) => void,
): Promise<Lease> {
  const rules = admissionRules(endpoint, key);
  let estimate = NO_TOKENS;
  if (rules.tokens && request) {
    const reservation = reserveTokens(request.path, request.body, routerConfig(env).tokenBudgetDefaultMaxTokens);
    estimate = reservation.estimate;
    request.body = reservation.body;
  }
  // No window to count in: a lease this isolate's last request on the key just finished with may pass to this one.
  const reuseMs = rules.key.length || rules.shared.length ? 0 : routerConfig(env).leaseReuseMs;
  const asked = Date.now();
  if (reuseMs) {
    // A lease goes back to the gate a third of its TTL after it was granted, long before it could expire in use.
    const handed = takeOverLease(key.hash, asked, reuseMs, LEASE_TTL_MS / 3);
    if (handed) {
      // Halfway through the reuse span, one admission renews the key's word in the background.
      if (waitUntil && needsRefresh(key.hash, asked, reuseMs))
        waitUntil(refreshKey(gateFor(env, key), key.hash, asked, key.concurrency_limit));
      return new Lease(() => gateFor(env, key), handed.leaseId, LEASE_TTL_MS, 0, undefined, key.hash, handed.grantedAt);
    }
  }
  // The gate's part must run to its end even if the client leaves meanwhile: on Workers a disconnect ends an
  // invocation with nothing left in `waitUntil`, and a lease granted then would never be released, its slot held
  // for a whole TTL (with a limit of 1, the key shut out for two minutes). Other requests' releases ride on it
  // too. The relay puts the rest of the request, its release included, in `waitUntil` once admission returns.
  const admitting = atGate(env, key, endpoint, rules, estimate, reuseMs ? asked : null);
  waitUntil?.(admitting.catch(() => undefined));
  return admitting;
}

/** Admission by the key's gate (and the endpoint's limiter, when it has shared rules); `askedAt`: see confirmKey. */
async function atGate(
  env: Env,
  key: KeyRecord,
  endpoint: Endpoint,
  rules: AdmissionRules,
  estimate: TokenEstimate,
  askedAt: number | null,
): Promise<Lease> {
  const reserved = estimate.prompt + estimate.completion;
  const gate = gateFor(env, key);
  const started = performance.now();
  // This isolate's finished requests on the key, still to be released: the gate releases them first.
  const carried = takeReleases(key.hash);
  const admission = await gateCall(key, async (): Promise<Admission> => {
    try {
      return await gate.acquire(key.concurrency_limit, LEASE_TTL_MS, endpoint.id, rules.key, reserved, carried);
    } catch (err) {
      // They are this request's to deliver now. Releasing a lease twice is a no-op; a tally (of leases taken over)
      // counts twice if the failed call did reach the gate: a rare error, rather than losing it.
      await sendReleases(gate, carried);
      throw err;
    }
  });
  if (!admission.ok) {
    if (admission.reason === 'revoked') forgetKey(key.hash);
    throw refusal(admission);
  }
  if (askedAt !== null) confirmKey(key.hash, askedAt, admission.inFlight * 2 <= key.concurrency_limit);
  const budget: LeaseBudget = { estimate, reserved, ...(admission.headroom ? { headroom: admission.headroom } : {}) };
  if (rules.shared.length) {
    const limiter = limiterFor(env, endpoint);
    const take = await gateCall(key, async () => (await limiter.take(rules.shared, reserved)) as RateTake).catch(
      async (err: unknown) => {
        await gate.release(admission.leaseId, undefined, true);
        throw err;
      },
    );
    if (!take.ok) {
      await gate.release(admission.leaseId, undefined, true);
      throw refusal(take);
    }
    budget.shared = { limiter, windows: take.windows };
    budget.headroom = tighter(budget.headroom, take.headroom);
  }
  return new Lease(
    () => gate,
    admission.leaseId,
    LEASE_TTL_MS,
    performance.now() - started,
    rules.tokens ? budget : undefined,
    key.hash,
    askedAt,
  );
}

/**
 * The object that counts an endpoint's all-keys and per-tenant limits: named by the
 * endpoint's identity, not its name, so an endpoint re-created under the same name starts afresh.
 */
export function limiterFor(env: Env, endpoint: Pick<Endpoint, 'id'>): DurableObjectStub<RateLimiter> {
  return env.LIMITER.getByName(endpoint.id);
}

/** Deletes an endpoint's all-keys and per-tenant rate-limit state (with the endpoint). */
export async function forgetEndpointLimits(env: Env, endpoint: Pick<Endpoint, 'id'>): Promise<void> {
  await limiterFor(env, endpoint).forget();
}

function tighter(a: TokenHeadroom | undefined, b: TokenHeadroom | undefined): TokenHeadroom | undefined {
  if (!a || !b) return a ?? b;
  return b.remaining < a.remaining ? b : a;
}

function refusal(r: Refusal): ApiError {
  if (r.reason === 'rate') {
    return errors.rateLimited(r.limit, r.retryAfterSeconds);
  }
  if (r.reason === 'tokens') {
    const { limit, reserved, retryAfterSeconds, headroom } = r;
    return errors.tokenBudget(
      { limit, reserved, budget: headroom.budget, remaining: headroom.remaining, retryAfterSeconds },
      tokenHeaders(headroom),
    );
  }
  return r.reason === 'revoked' ? errors.invalidKey() : errors.concurrency(r.retryAfterSeconds);
}
