import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../src/auth/key-record';
import type { Endpoint, RateLimit } from '../../src/endpoints/schema';
import { admit } from '../../src/gate/admit';
import { gateFor } from '../../src/gate/lease';

/**
 * On Workers, a client that disconnects ends the invocation unless something is left in
 * `waitUntil`: an admission the gate granted after that would never be released, and its
 * slot would stay taken for the lease's whole TTL. workerd run locally goes on after a
 * disconnect, so the test holds admission to its part of the contract: every call to a
 * gate or limiter runs inside the request's `waitUntil`, refusals and their give-backs
 * included.
 */
const key = (limit = 2): KeyRecord => ({
  id: `key_${crypto.randomUUID()}`,
  hash: crypto.randomUUID().replaceAll('-', ''),
  prefix: 'sk-rt-test',
  description: '',
  endpoints: null,
  concurrency_limit: limit,
  status: 'active',
  created_at: new Date().toISOString(),
  revoked_at: null,
  tenant_id: 'default',
  kind: 'endpoint',
  role: null,
  expires_at: null,
  locked: false,
  created_by: 'test',
  token_budget: null,
});

const endpoint = (rate_limits: RateLimit[] = []) =>
  ({ id: crypto.randomUUID(), name: 'lifetime', rate_limits }) as unknown as Endpoint;

/** The request's waitUntil, recording what it was given. */
function lifetime() {
  const kept: Promise<unknown>[] = [];
  return { kept, waitUntil: (p: Promise<unknown>) => void kept.push(p) };
}

describe('admission outlives a client that leaves', () => {
  it("puts the gate's admission in waitUntil, granted or refused", async () => {
    const k = key(1);
    const { kept, waitUntil } = lifetime();
    const lease = await admit(env, k, endpoint(), undefined, waitUntil);
    expect(kept).toHaveLength(1);
    expect(await gateFor(env, k).inFlight()).toBe(1);

    // Refused at the limit: its call is kept too.
    await expect(admit(env, k, endpoint(), undefined, waitUntil)).rejects.toMatchObject({ status: 429 });
    expect(kept).toHaveLength(2);
    await Promise.all(kept);
    await lease.release({ endpoint: 'lifetime', outcome: 'completed', promptTokens: 0, completionTokens: 0 }, true);
    expect(await gateFor(env, k).inFlight()).toBe(0);
  });

  it("keeps the endpoint limiter's refusal running until the gate has its slot back", async () => {
    const k = key(4);
    const e = endpoint([{ key: 'endpoint', calls: 1, renewal_period: 'minute' }]);
    const { kept, waitUntil } = lifetime();
    const first = await admit(env, k, e, undefined, waitUntil);
    // The key's gate grants the second, the endpoint's limiter refuses it: the gate's lease goes back within the
    // promise handed to waitUntil, not after it.
    await expect(admit(env, k, e, undefined, waitUntil)).rejects.toMatchObject({ status: 429 });
    expect(kept).toHaveLength(2);
    await Promise.all(kept.map((p) => p.catch(() => undefined)));
    expect(await gateFor(env, k).inFlight()).toBe(1);
    await first.release({ endpoint: 'lifetime', outcome: 'completed', promptTokens: 0, completionTokens: 0 }, true);
    expect(await gateFor(env, k).inFlight()).toBe(0);
  });
});
