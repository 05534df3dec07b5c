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
    watch: async (id: string) => {
      calls.push(`watch ${id}`);
      return new Promise<'revoked' | 'released'>(() => undefined);
    },
  };
  return { calls, gate: gate as unknown as DurableObjectStub<KeyGate> };
}

const usage = { endpoint: 'e', outcome: 'completed' as const, promptTokens: 0, completionTokens: 0 };

describe('Lease', () => {
  it('renews every third of its TTL while held, and stops once released', async () => {
    const { calls, gate } = recordingGate();
    const lease = new Lease(() => gate, 'l1', 60);
    const pending: Promise<unknown>[] = [];
    lease.hold(
      (p) => pending.push(p),
      60_000,
      () => undefined,
    );
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
    const lease = new Lease(() => gate, 'l3', 30);
    lease.hold(
      () => undefined,
      25,
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 120));
    expect(calls.filter((c) => c === 'renew l3').length).toBeLessThanOrEqual(3);
    const count = calls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.length).toBe(count);
  });

  it('watches for revocation from the moment it is held, and reports it', async () => {
    const calls: string[] = [];
    let revoke: (end: 'revoked') => void = () => undefined;
    const gate = {
      watch: async (id: string) => {
        calls.push(`watch ${id}`);
        return new Promise<'revoked'>((resolve) => (revoke = resolve));
      },
      release: async () => true,
      renew: async () => true,
    } as unknown as DurableObjectStub<KeyGate>;
    const lease = new Lease(() => gate, 'l5', 60_000);
    let revoked = 0;
    lease.hold(
      () => undefined,
      600_000,
      () => revoked++,
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['watch l5']);
    revoke('revoked');
    await new Promise((r) => setTimeout(r, 0));
    expect(revoked).toBe(1);
    await lease.release(usage);
  });

  it('releases once, however many exits call release', async () => {
    const { calls, gate } = recordingGate();
    const lease = new Lease(() => gate, 'l2', 60_000);
    await Promise.all([lease.release(usage), lease.release(usage), lease.release(usage)]);
    expect(calls).toEqual(['release l2']);
  });
});
