import { describe, expect, it } from 'vitest';
import type { KeyGate } from '../../src/gate/key-gate';
import { Lease } from '../../src/gate/lease';

/** A recording stand-in for the gate stub: the real gate is exercised in test/worker; this checks the timer logic. */
function recordingGate() {
  const calls: string[] = [];
  const gate = {
    renew: async (id: string) => {
      calls.push(`renew ${id}`);
      return true;
    },
    release: async (id: string) => {
      calls.push(`release ${id}`);
      return true;
    },
  };
  return { calls, gate: gate as unknown as DurableObjectStub<KeyGate> };
}

const usage = { endpoint: 'e', outcome: 'completed' as const, promptTokens: 0, completionTokens: 0 };

describe('Lease', () => {
  it('renews every third of its TTL while held, and stops once released', async () => {
    const { calls, gate } = recordingGate();
    const lease = new Lease(gate, 'l1', 60);
    const pending: Promise<unknown>[] = [];
    lease.keepAlive((p) => pending.push(p), 60_000);
    await new Promise((r) => setTimeout(r, 75));
    await lease.release(usage);
    const renewals = calls.filter((c) => c === 'renew l1').length;
    expect(renewals).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.filter((c) => c === 'renew l1').length).toBe(renewals);
    expect(pending.length).toBe(renewals);
  });

  it('stops renewing after its maximum lifetime, even if never released', async () => {
    const { calls, gate } = recordingGate();
    const lease = new Lease(gate, 'l3', 30);
    lease.keepAlive(() => undefined, 25);
    await new Promise((r) => setTimeout(r, 120));
    expect(calls.filter((c) => c === 'renew l3').length).toBeLessThanOrEqual(3);
    const count = calls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.length).toBe(count);
  });

  it('releases once, however many exits call release', async () => {
    const { calls, gate } = recordingGate();
    const lease = new Lease(gate, 'l2', 60_000);
    await Promise.all([lease.release(usage), lease.release(usage), lease.release(usage)]);
    expect(calls).toEqual(['release l2']);
  });
});
