// Shared by the sections: the running router, its fixtures, the plan, and a measuring helper.

import type { CpuMeter, CpuPerRequest, CpuSnapshot } from '../cpu.ts';
import type { Fixtures } from '../fixtures.ts';
import { parseServerTiming } from '../fixtures.ts';
import { request, type Reply, type RequestSpec, type Target } from '../http-client.ts';
import { closedLoop, type LoadResult } from '../load.ts';
import type { Plan } from '../plan.ts';
import { summarize, type Summary } from '../stats.ts';

export interface Ctx {
  fx: Fixtures;
  plan: Plan;
  cpu: CpuMeter;
  log(msg: string): void;
  /** The emulator's process (its CPU is read too). */
  originPid?: number;
  /** --worker-dir: the router copy under test (null: this checkout). */
  workerDir?: string | null;
}

export interface Point {
  concurrency: number;
  /** Client-side request → end of body. */
  latency: Summary;
  /** `server-timing: gate;dur` (1 ms resolution inside workerd: read the mean). */
  gate: Summary | null;
  rps: number;
  elapsedMs: number;
  errors: number;
  /** Replies with another status than expected. */
  unexpected: number;
  errorSamples: string[];
  /** CPU ms per request (workerd, emulator, load generator) over the measured phase; null off Linux. */
  cpu: CpuPerRequest | null;
}

export type Run = LoadResult<Reply> & { cpu: CpuPerRequest | null };

function mergeCpu(runs: Run[]): CpuPerRequest | null {
  let n = 0;
  const sum = { workerdMs: 0, workerdTopThreadMs: 0, originMs: 0, clientMs: 0 };
  for (const r of runs) {
    if (!r.cpu) return null;
    const k = r.results.length + r.errorCount;
    n += k;
    sum.workerdMs += r.cpu.workerdMs * k;
    sum.workerdTopThreadMs += r.cpu.workerdTopThreadMs * k;
    sum.originMs += r.cpu.originMs * k;
    sum.clientMs += r.cpu.clientMs * k;
  }
  return n
    ? {
        workerdMs: sum.workerdMs / n,
        workerdTopThreadMs: sum.workerdTopThreadMs / n,
        originMs: sum.originMs / n,
        clientMs: sum.clientMs / n,
      }
    : null;
}

export function toPoint(concurrency: number, runs: Run[], expect: number): Point {
  const replies = runs.flatMap((r) => r.results);
  const ok = replies.filter((r) => r.status === expect);
  const gates = ok.map((r) => parseServerTiming(r.serverTiming)?.gate).filter((g): g is number => g !== undefined);
  const elapsedMs = runs.reduce((s, r) => s + r.elapsedMs, 0);
  const bad = replies.filter((r) => r.status !== expect);
  const errorSamples = [
    ...runs.flatMap((r) => r.errors),
    ...bad.slice(0, 3).map((r) => `HTTP ${r.status}${r.body ? ` ${r.body.slice(0, 200)}` : ''}`),
  ];
  return {
    concurrency,
    latency: summarize(ok.map((r) => r.totalMs)),
    gate: gates.length ? summarize(gates) : null,
    rps: (replies.length + runs.reduce((s, r) => s + r.errorCount, 0)) / (elapsedMs / 1000),
    elapsedMs,
    errors: runs.reduce((s, r) => s + r.errorCount, 0),
    unexpected: bad.length,
    errorSamples: errorSamples.slice(0, 5),
    cpu: mergeCpu(runs),
  };
}

export interface MeasureOptions {
  concurrency: number;
  /** Measured requests (the plan's maxPointMs bounds the time unless durationMs says otherwise). */
  requests?: number;
  durationMs?: number;
  warmup?: number;
  expect?: number;
  spec: (i: number) => RequestSpec;
}

export async function load(ctx: Ctx, target: Target, o: MeasureOptions): Promise<Run> {
  let before: CpuSnapshot | null = null;
  const result = await closedLoop({
    concurrency: o.concurrency,
    requests: o.requests,
    durationMs: o.durationMs ?? ctx.plan.maxPointMs,
    warmup: o.warmup,
    send: (i) => request(target, o.spec(i)),
    beforeMeasure: () => (before = ctx.cpu.snapshot()),
  });
  const after = ctx.cpu.snapshot();
  return {
    ...result,
    cpu: before ? ctx.cpu.perRequest(before, after, result.results.length + result.errorCount) : null,
  };
}

export async function measure(ctx: Ctx, target: Target, o: MeasureOptions): Promise<Point> {
  return toPoint(o.concurrency, [await load(ctx, target, o)], o.expect ?? 200);
}

/** A first request that must succeed (fail fast with the router's answer instead of measuring errors). */
export async function sanity(target: Target, spec: RequestSpec, expect: number, what: string): Promise<Reply> {
  const reply = await request(target, { ...spec, keepBody: true });
  if (reply.status !== expect)
    throw new Error(`${what}: expected HTTP ${expect}, got ${reply.status}: ${reply.body?.slice(0, 500)}`);
  return reply;
}
