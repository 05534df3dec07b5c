// Section 2: streaming. Time to first SSE event through the router vs direct (origin
// with no token delay), and the gaps between consecutive events with a fixed token
// delay at the origin: if the router buffered, events would bunch (gaps near 0 followed
// by long ones) and several events would arrive in one chunk.

import { EP_FAST, EP_SLOW } from '../fixtures.ts';
import { requestStream, type StreamReply, type RequestSpec, type Target } from '../http-client.ts';
import { closedLoop } from '../load.ts';
import { added, summarize, type Added, type Summary } from '../stats.ts';
import type { Ctx } from './context.ts';

export interface StreamSide {
  firstEvent: Summary;
  headers: Summary;
  total: Summary;
  eventsPerStream: number;
  /** Chunks that carried more than one event, per stream (mean). */
  multiEventChunksPerStream: number;
  streams: number;
  errors: number;
  incomplete: number;
}

export interface TtftPoint {
  concurrency: number;
  direct: StreamSide;
  router: StreamSide;
  added: Added;
}

export interface GapSide extends StreamSide {
  gaps: Summary;
  /** Share of gaps under 1 ms (events bunched together). */
  bunchedShare: number;
}

export interface GapPoint {
  concurrency: number;
  gapMs: number;
  direct: GapSide;
  router: GapSide;
  added: Added;
}

export async function streams(
  ctx: Ctx,
  target: Target,
  spec: RequestSpec,
  concurrency: number,
  n: number,
  warmup: number,
) {
  return closedLoop<StreamReply>({
    concurrency,
    requests: n,
    durationMs: ctx.plan.maxPointMs,
    warmup,
    send: () => requestStream(target, spec),
  });
}

export function side(replies: StreamReply[], errors: number): StreamSide {
  const ok = replies.filter((r) => r.status === 200 && r.sawDone);
  return {
    firstEvent: summarize(ok.map((r) => r.firstEventMs)),
    headers: summarize(ok.map((r) => r.headersMs)),
    total: summarize(ok.map((r) => r.totalMs)),
    eventsPerStream: ok.length ? ok.reduce((s, r) => s + r.eventMs.length, 0) / ok.length : NaN,
    multiEventChunksPerStream: ok.length ? ok.reduce((s, r) => s + r.multiEventChunks, 0) / ok.length : NaN,
    streams: ok.length,
    errors,
    incomplete: replies.length - ok.length,
  };
}

function gapSide(replies: StreamReply[], errors: number): GapSide {
  const base = side(replies, errors);
  const gaps: number[] = [];
  for (const r of replies) {
    if (r.status !== 200 || !r.sawDone) continue;
    for (let i = 1; i < r.eventMs.length; i++) gaps.push(r.eventMs[i]! - r.eventMs[i - 1]!);
  }
  return {
    ...base,
    gaps: summarize(gaps),
    bunchedShare: gaps.length ? gaps.filter((g) => g < 1).length / gaps.length : NaN,
  };
}

export async function runTtft(ctx: Ctx): Promise<TtftPoint[]> {
  const { fx, plan } = ctx;
  const out: TtftPoint[] = [];
  for (const c of plan.ttft.concurrency) {
    const d = await streams(ctx, fx.targets.originFast, fx.directSpec(true), c, plan.ttft.requests, plan.ttft.warmup);
    const r = await streams(
      ctx,
      fx.targets.router,
      fx.routerSpec(EP_FAST, fx.mainKey.key, true),
      c,
      plan.ttft.requests,
      plan.ttft.warmup,
    );
    const direct = side(d.results, d.errorCount);
    const router = side(r.results, r.errorCount);
    const point = { concurrency: c, direct, router, added: added(router.firstEvent, direct.firstEvent) };
    out.push(point);
    ctx.log(
      `ttft C=${c}: direct p50 ${direct.firstEvent.p50.toFixed(2)} ms, router p50 ${router.firstEvent.p50.toFixed(2)} ms, added p50 ${point.added.p50.toFixed(2)} ms`,
    );
  }
  return out;
}

export async function runGaps(ctx: Ctx): Promise<GapPoint[]> {
  const { fx, plan } = ctx;
  const out: GapPoint[] = [];
  for (const run of plan.gaps.runs) {
    const warmup = Math.min(run.concurrency, 4);
    const d = await streams(ctx, fx.targets.originSlow, fx.directSpec(true), run.concurrency, run.streams, warmup);
    const r = await streams(
      ctx,
      fx.targets.router,
      fx.routerSpec(EP_SLOW, fx.mainKey.key, true),
      run.concurrency,
      run.streams,
      warmup,
    );
    const direct = gapSide(d.results, d.errorCount);
    const router = gapSide(r.results, r.errorCount);
    const point = {
      concurrency: run.concurrency,
      gapMs: plan.gaps.gapMs,
      direct,
      router,
      added: added(router.gaps, direct.gaps),
    };
    out.push(point);
    ctx.log(
      `sse gaps C=${run.concurrency} (origin ${plan.gaps.gapMs} ms/token): direct p99 ${direct.gaps.p99.toFixed(2)} ms, ` +
        `router p99 ${router.gaps.p99.toFixed(2)} ms, added p99 ${point.added.p99.toFixed(2)} ms`,
    );
  }
  return out;
}
