// Section 5: the concurrency-16 latency point with 1, 10 and 1,000 distinct keys, used
// round-robin. Keys are created through the admin API first; one pass sends each key its
// very first request (key cache miss → D1 read, gate object created) and is reported as
// "cold"; the measured passes are warm.

import { createKeys, EP_FAST } from '../fixtures.ts';
import type { Summary } from '../stats.ts';
import { load, measure, toPoint, type Ctx, type Point } from './context.ts';

export interface ScalingPoint {
  keys: number;
  point: Point;
}

export interface ScalingResult {
  createSeconds: number;
  keysCreated: number;
  cold: { requests: number; latency: Summary; gate: Summary | null; concurrency: number };
  warm: ScalingPoint[];
}

export async function runScaling(ctx: Ctx): Promise<ScalingResult> {
  const { fx, plan } = ctx;
  const sc = plan.scaling;
  const n = Math.max(...sc.keys);
  const t0 = performance.now();
  const keys = await createKeys(fx.harness.admin, n, 1000);
  const createSeconds = (performance.now() - t0) / 1000;
  ctx.log(`scaling: created ${n} keys in ${createSeconds.toFixed(1)} s`);
  const specs = keys.map((k) => fx.routerSpec(EP_FAST, k.key));

  // Cold: every key's first request (within the time bound; the warm-up of the first warm
  // pass below touches every key once more, so no cold request is counted as warm).
  const cold = toPoint(
    sc.concurrency,
    [await load(ctx, fx.targets.router, { concurrency: sc.concurrency, requests: n, spec: (i) => specs[i]! })],
    200,
  );
  ctx.log(
    `scaling cold (first request of ${cold.latency.n} of ${n} keys): p50 ${cold.latency.p50.toFixed(2)} ms, p99 ${cold.latency.p99.toFixed(2)} ms`,
  );

  const warm: ScalingPoint[] = [];
  for (const count of [...sc.keys].sort((a, b) => b - a)) {
    const point = await measure(ctx, fx.targets.router, {
      concurrency: sc.concurrency,
      requests: sc.requests,
      warmup: Math.max(sc.warmup, count),
      spec: (i) => specs[i % count]!,
    });
    warm.push({ keys: count, point });
    ctx.log(
      `scaling ${count} keys C=${sc.concurrency}: p50 ${point.latency.p50.toFixed(2)} ms, p99 ${point.latency.p99.toFixed(2)} ms, gate mean ${point.gate?.mean.toFixed(3) ?? '-'} ms`,
    );
  }
  warm.sort((a, b) => a.keys - b.keys);
  return {
    createSeconds,
    keysCreated: n,
    cold: { requests: cold.latency.n, latency: cold.latency, gate: cold.gate, concurrency: sc.concurrency },
    warm,
  };
}
