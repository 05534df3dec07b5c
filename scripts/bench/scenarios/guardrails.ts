// Section 2c: what an input guardrail adds to the time to first token. The same streaming
// request goes through the router to an endpoint without guardrails and to one whose
// prompts a Llama Guard endpoint checks (the emulator answering at once), in alternating
// rounds so that drift on the machine hits both sides alike.

import { EP_FAST, EP_GUARDED } from '../fixtures.ts';
import { added, type Added } from '../stats.ts';
import type { Ctx } from './context.ts';
import { side, streams, type StreamSide } from './streaming.ts';

export interface GuardPoint {
  concurrency: number;
  plain: StreamSide;
  guarded: StreamSide;
  /** guarded − plain, first SSE event. */
  added: Added;
}

export async function runGuardTtft(ctx: Ctx): Promise<GuardPoint[]> {
  const { fx, plan } = ctx;
  const out: GuardPoint[] = [];
  for (const c of plan.guard.concurrency) {
    const per = Math.ceil(plan.guard.requests / plan.guard.rounds);
    const plain: Awaited<ReturnType<typeof streams>>[] = [];
    const guarded: Awaited<ReturnType<typeof streams>>[] = [];
    for (let round = 0; round < plan.guard.rounds; round++) {
      const warmup = round === 0 ? plan.guard.warmup : Math.ceil(plan.guard.warmup / 4);
      plain.push(await streams(ctx, fx.targets.router, fx.routerSpec(EP_FAST, fx.mainKey.key, true), c, per, warmup));
      guarded.push(
        await streams(ctx, fx.targets.router, fx.routerSpec(EP_GUARDED, fx.mainKey.key, true), c, per, warmup),
      );
    }
    const p = side(
      plain.flatMap((r) => r.results),
      plain.reduce((s, r) => s + r.errorCount, 0),
    );
    const g = side(
      guarded.flatMap((r) => r.results),
      guarded.reduce((s, r) => s + r.errorCount, 0),
    );
    const point = { concurrency: c, plain: p, guarded: g, added: added(g.firstEvent, p.firstEvent) };
    out.push(point);
    ctx.log(
      `guard ttft C=${c}: no guard p50 ${p.firstEvent.p50.toFixed(2)} ms, input guard p50 ${g.firstEvent.p50.toFixed(2)} ms, added p50 ${point.added.p50.toFixed(2)} ms`,
    );
  }
  return out;
}
