import type { KeyRecord } from '../auth/key-record';
import type { Env } from '../env';
import { ApiError, errors } from '../http/api-error';
import type { KeyGate } from './key-gate';
import type { UsageReport } from './types';

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

export function gateFor(env: Env, key: KeyRecord): DurableObjectStub<KeyGate> {
  return env.GATE.getByName(key.hash);
}

/** Admission: one RPC to the key's gate. Refusals become 429 (concurrency) or 401 (revoked). */
export async function admit(env: Env, key: KeyRecord, endpoint: string): Promise<Lease> {
  const gate = gateFor(env, key);
  let admission;
  const started = performance.now();
  try {
    admission = await gate.acquire(key.concurrency_limit, LEASE_TTL_MS, endpoint);
  } catch (err) {
    console.error(JSON.stringify({ msg: 'gate unavailable', key: key.id, error: String(err) }));
    throw new ApiError(503, 'Admission control is temporarily unavailable, please retry', {
      code: 'gate_unavailable',
      headers: { 'retry-after': '1' },
    });
  }
  if (admission.ok) return new Lease(gate, admission.leaseId, LEASE_TTL_MS, performance.now() - started);
  if (admission.reason === 'revoked') throw errors.invalidKey();
  throw errors.concurrency(admission.retryAfterSeconds);
}
