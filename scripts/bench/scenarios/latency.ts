// Section 1: added latency of non-streaming requests, router vs direct, same payload, same
// client, same concurrency. Direct and router passes alternate (rounds) so that drift on
// the machine (other load, thermal) hits both sides alike.

import { EP_FAST } from '../fixtures.ts';
import { added, type Added } from '../stats.ts';
import { load, sanity, toPoint, type Ctx, type Point, type Run } from './context.ts';

export interface LatencyPoint {
  concurrency: number;
  direct: Point;
  router: Point;
  added: Added;
}

export async function runLatency(ctx: Ctx): Promise<LatencyPoint[]> {
  const { fx, plan } = ctx;
  const { originFast, router } = fx.targets;
  const routerSpec = fx.routerSpec(EP_FAST, fx.mainKey.key);
  const directSpec = fx.directSpec();
  await sanity(originFast, directSpec, 200, 'direct request to the emulator');
  await sanity(router, routerSpec, 200, 'request through the router');
  const out: LatencyPoint[] = [];
  for (const c of plan.latency.concurrency) {
    const total = plan.latency.requests[c] ?? 1000;
    const rounds = plan.latency.rounds;
    const per = Math.ceil(total / rounds);
    const d: Run[] = [];
    const r: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      const warmup = round === 0 ? plan.latency.warmup : Math.ceil(plan.latency.warmup / 4);
      const durationMs = plan.maxPointMs / rounds;
      d.push(
        await load(ctx, originFast, { concurrency: c, requests: per, durationMs, warmup, spec: () => directSpec }),
      );
      r.push(await load(ctx, router, { concurrency: c, requests: per, durationMs, warmup, spec: () => routerSpec }));
    }
    const direct = toPoint(c, d, 200);
    const through = toPoint(c, r, 200);
    const point = { concurrency: c, direct, router: through, added: added(through.latency, direct.latency) };
    out.push(point);
    ctx.log(
      `latency C=${c}: direct p50 ${direct.latency.p50.toFixed(2)} ms, router p50 ${through.latency.p50.toFixed(2)} ms, ` +
        `added p50 ${point.added.p50.toFixed(2)} / p99 ${point.added.p99.toFixed(2)} ms`,
    );
  }
  return out;
}
