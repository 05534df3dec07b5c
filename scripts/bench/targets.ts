// The targets, checked against the measured figures of each harness. They are
// meant for a local workerd: the lower-overhead harness (miniflare) is the reference.

import type { HarnessResult, TargetCheck } from './results.ts';

export function checkTargets(harnesses: HarnessResult[]): TargetCheck[] {
  const ref = harnesses.find((h) => h.name === 'miniflare')?.name ?? harnesses[0]?.name;
  const out: TargetCheck[] = [];
  const add = (h: HarnessResult, target: string, measured: number | undefined, limit: number) => {
    if (measured === undefined || !Number.isFinite(measured)) return;
    out.push({
      harness: h.name,
      reference: h.name === ref,
      target,
      measured,
      limit,
      met: measured <= limit,
      marginMs: measured - limit,
    });
  };
  for (const h of harnesses) {
    const c16 = h.latency?.find((p) => p.concurrency === 16);
    add(h, 'added latency p50 at C=16 ≤ 1 ms', c16?.added.p50, 1);
    add(h, 'added latency p99 at C=16 ≤ 5 ms', c16?.added.p99, 5);
    for (const p of h.ttft ?? []) add(h, `added time to first token p50 at C=${p.concurrency} ≤ 2 ms`, p.added.p50, 2);
    for (const p of h.gaps ?? []) add(h, `added SSE gap p99 at C=${p.concurrency} ≤ 1 ms`, p.added.p99, 1);
  }
  return out;
}
