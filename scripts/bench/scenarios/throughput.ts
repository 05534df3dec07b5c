// Section 3: throughput. Offered concurrency steps up; each step runs for a fixed time.
// "Sustained" = the highest rps among the steps whose p99 stays within twice the p99 at
// concurrency 1 (same target). Router (gate on the path) and the origin alone, side by side.

import { EP_FAST } from '../fixtures.ts';
import { measure, type Ctx, type Point } from './context.ts';

export interface ThroughputSide {
  steps: Point[];
  p99AtC1: number;
  /** The highest-rps step with p99 ≤ 2 × p99 at C=1 (null if none). */
  sustained: { concurrency: number; rps: number; p99: number } | null;
  peakRps: number;
}

export interface ThroughputResult {
  router: ThroughputSide;
  direct: ThroughputSide;
}

function sustained(steps: Point[]): ThroughputSide {
  const p99AtC1 = steps.find((s) => s.concurrency === 1)?.latency.p99 ?? steps[0]?.latency.p99 ?? NaN;
  let best: ThroughputSide['sustained'] = null;
  for (const s of steps) {
    if (s.errors + s.unexpected > 0) continue;
    if (s.latency.p99 <= 2 * p99AtC1 && (!best || s.rps > best.rps))
      best = { concurrency: s.concurrency, rps: s.rps, p99: s.latency.p99 };
  }
  return { steps, p99AtC1, sustained: best, peakRps: Math.max(...steps.map((s) => s.rps)) };
}

export async function runThroughput(ctx: Ctx): Promise<ThroughputResult> {
  const { fx, plan } = ctx;
  const tp = plan.throughput;
  const routerSteps: Point[] = [];
  const directSteps: Point[] = [];
  for (const c of tp.steps) {
    const common = { concurrency: c, durationMs: tp.durationMs, warmup: c * tp.warmupPerWorker };
    directSteps.push(await measure(ctx, fx.targets.originFast, { ...common, spec: () => fx.directSpec() }));
    const spec = fx.routerSpec(EP_FAST, fx.mainKey.key);
    const r = await measure(ctx, fx.targets.router, { ...common, spec: () => spec });
    routerSteps.push(r);
    ctx.log(
      `throughput C=${c}: router ${r.rps.toFixed(0)} rps p99 ${r.latency.p99.toFixed(2)} ms; direct ${directSteps.at(-1)!.rps.toFixed(0)} rps`,
    );
  }
  return { router: sustained(routerSteps), direct: sustained(directSteps) };
}
