import type { KeyRecord } from '../auth/key-record';
import type { Env } from '../env';
import { ApiError, errors } from '../http/api-error';
import type { KeyGate } from './key-gate';
import type { UsageReport } from './types';

/** How long a lease lives without renewal. Streams renew it every third of this. */
export const LEASE_TTL_MS = 120_000;

/**
 * One admitted request's slot in its key's gate. `release` is idempotent and
 * never throws: every exit path may call it.
 */
export class Lease {
  private released: Promise<void> | null = null;
  private renewedAt = Date.now();

  constructor(
    private readonly gate: DurableObjectStub<KeyGate>,
    readonly id: string,
    private readonly ttlMs: number,
  ) {}

  /** Renews when a third of the TTL has passed since the last renewal; returns the RPC, if one was made. */
  renewIfDue(now = Date.now()): Promise<unknown> | null {
    if (this.released || now - this.renewedAt < this.ttlMs / 3) return null;
    this.renewedAt = now;
    return this.gate.renew(this.id, this.ttlMs).catch((err: unknown) => {
      console.warn(JSON.stringify({ msg: 'lease renew failed', lease: this.id, error: String(err) }));
    });
  }

  release(usage: UsageReport): Promise<void> {
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
  try {
    admission = await gate.acquire(key.concurrency_limit, LEASE_TTL_MS, endpoint);
  } catch (err) {
    console.error(JSON.stringify({ msg: 'gate unavailable', key: key.id, error: String(err) }));
    throw new ApiError(503, 'Admission control is temporarily unavailable, please retry', {
      code: 'gate_unavailable',
      headers: { 'retry-after': '1' },
    });
  }
  if (admission.ok) return new Lease(gate, admission.leaseId, LEASE_TTL_MS);
  if (admission.reason === 'revoked') throw errors.invalidKey();
  throw errors.concurrency(admission.retryAfterSeconds);
}
