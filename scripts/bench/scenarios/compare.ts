// Section 0 (issue 12): the router next to its peers, in one interleaved run. Every target
// gets the same chat-completion body from the same node:http keep-alive client at the same
// closed-loop concurrency; within a point the targets take turns, round after round (the
// order rotating), so drift on the machine hits them alike. Targets, each in a process of
// its own:
//
//   direct           the emulator itself (the reference every "added" figure is taken from)
//   router           the router (this harness: workerd, direct socket; gate in the same process)
//   router-gate-own  the router with its KeyGate Durable Object in a second workerd process
//   router-nometrics the router with METRICS_ENABLED=false (non-streaming points only: issue 13)
//   router-renamed   the router with endpoints that name the model by the origin's id: it renames
//                    `model` and re-frames every stream event by event (streaming points only)
//   bare             a Worker that only fetch()es the origin and streams the answer back
//   bare-pump        the same Worker moving the answer through a JS read/write loop per chunk
//   portkey-workerd  Portkey's gateway bundled for workerd (when its source is in the cache)
//   portkey-node     Portkey's gateway on Node (its npm package)
//
// CPU is read per target from its own processes (/proc), per round, so each figure comes
// with its spread. The router's figures include the gate's work when the gate shares its
// process; with the gate in its own process the two processes are reported apart.

import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { checkInterrupted } from '../cleanup.ts';
import { cpuMeter, type CpuMeter } from '../cpu.ts';
import { CHAT_PATH, EP_FAST, EP_SLOW, FAST_MODE, setupFixtures, slowMode, type Fixtures } from '../fixtures.ts';
import type { Harness } from '../harness.ts';
import { startMiniflareHarness } from '../harness-miniflare.ts';
import {
  closeTarget,
  makeTarget,
  request,
  requestStream,
  type Reply,
  type RequestSpec,
  type StreamReply,
  type Target,
} from '../http-client.ts';
import { closedLoop } from '../load.ts';
import { startPeerWorker, type PeerWorker } from '../peer-workers.ts';
import { addPauses, findPauses, NO_PAUSES, type PauseStats } from '../pauses.ts';
import {
  PORTKEY_VERSION,
  portkeyHeaders,
  portkeyWorkerdBundle,
  startPortkeyNode,
  type PortkeyNode,
} from '../portkey.ts';
import { BASELINE_WORKER } from '../probe-workers.ts';
import { added, summarize, type Added, type Summary } from '../stats.ts';
import type { Ctx } from './context.ts';

export type CompareKind = 'nonStream' | 'ttft' | 'slowTtft' | 'longStream';

export interface CompareTargetInfo {
  key: string;
  label: string;
  /** What runs where. */
  what: string;
  /** The processes whose CPU is this target's (null: not measured). */
  pids: number[] | null;
  /** The router with its gate apart: the gate's process. */
  gatePids?: number[];
}

export interface CompareSide {
  /** Non-stream: request → end of body. Streams: request → first event. */
  latency: Summary;
  /** Streams: request → end of stream. */
  total?: Summary;
  /** Streams: gaps between consecutive events. */
  gaps?: Summary;
  eventsPerStream?: number;
  /** CPU ms per request (or stream) of the target's own processes, one figure per round. */
  cpuMs: number[];
  /** CPU ms per request of the gate's process (router with the gate in its own process). */
  gateCpuMs?: number[];
  /** Busiest thread's CPU ms per request, per round. */
  topThreadMs: number[];
  rps: number[];
  n: number;
  errors: number;
  unexpected: number;
  incomplete: number;
  errorSamples: string[];
  /** Moments when every request in flight waited together (scripts/bench/pauses.ts), over all rounds. */
  pauses: PauseStats;
}

export interface ComparePoint {
  kind: CompareKind;
  concurrency: number;
  /** Origin ms per token (0: as fast as it can write). */
  tokenMs: number;
  maxTokens: number;
  rounds: number;
  sides: Record<string, CompareSide>;
  /** Target percentile − direct percentile. */
  added: Record<string, Added>;
}

export interface CompareResult {
  targets: CompareTargetInfo[];
  /** Targets that could not run, and why. */
  skipped: Array<{ key: string; label: string; reason: string }>;
  points: ComparePoint[];
  loadAverage: { start: number[]; end: number[] };
  /** The issue's ratios: router ÷ bare Worker and router − Portkey (workerd, else Node), per row. */
  ratios: Array<{
    row: string;
    routerOverBare: number | null;
    routerMinusPortkey: number | null;
    portkey: string | null;
  }>;
}

interface Runner {
  info: CompareTargetInfo;
  target: Target;
  cpu: CpuMeter | null;
  gateCpu: CpuMeter | null;
  spec(kind: CompareKind, stream: boolean): RequestSpec;
  stop?: () => Promise<void>;
}

const LONG_TOKENS = 1000;

function body(model: string, stream: boolean, maxTokens: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Benchmark the router: answer this short question in a few words, please.' }],
      max_tokens: maxTokens,
      // The emulator's vLLM extension: keep generating to max_tokens (a long stream of known length).
      ...(maxTokens > 16 ? { ignore_eos: true } : {}),
      // Usage on streams, as the OpenAI SDKs' usage tracking and the Vercel AI SDK ask for it.
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  );
}

/**
 * Targets left out of a kind of point: the metrics-off router is compared on non-streaming
 * requests only; the JS-pump Worker on streams; the tee Worker on 1,000-token streams, where
 * the per-chunk cost shows.
 */
const LEFT_OUT: Record<CompareKind, readonly string[]> = {
  nonStream: ['bare-pump', 'bare-tee', 'router-renamed'],
  ttft: ['router-nometrics', 'bare-tee'],
  slowTtft: ['router-nometrics', 'bare-tee'],
  longStream: ['router-nometrics'],
};

const modeOf = (kind: CompareKind, gapMs: number) => (kind === 'slowTtft' ? slowMode(gapMs) : FAST_MODE);
const tokensOf = (kind: CompareKind) => (kind === 'longStream' ? LONG_TOKENS : 16);

function routerRunner(
  key: string,
  label: string,
  what: string,
  fx: Fixtures,
  harness: Harness,
  originPid: number | undefined,
): Runner {
  const bodies = new Map<string, Buffer>();
  const cached = (model: string, stream: boolean, n: number) => {
    const k = `${model}/${stream}/${n}`;
    let b = bodies.get(k);
    if (!b) bodies.set(k, (b = body(model, stream, n)));
    return b;
  };
  return {
    info: {
      key,
      label,
      what,
      pids: harness.workerdPids ?? null,
      ...(harness.gatePids?.length ? { gatePids: harness.gatePids } : {}),
    },
    target: makeTarget(key, harness.routerUrl),
    cpu: harness.workerdPids?.length ? cpuMeter(process.pid, originPid, harness.workerdPids) : null,
    gateCpu: harness.gatePids?.length ? cpuMeter(process.pid, originPid, harness.gatePids) : null,
    spec: (kind, stream) => ({
      path: CHAT_PATH,
      headers: { authorization: `Bearer ${fx.mainKey.key}` },
      body: cached(kind === 'slowTtft' ? EP_SLOW : EP_FAST, stream, tokensOf(kind)),
    }),
  };
}

function plainRunner(
  info: CompareTargetInfo,
  baseUrl: string,
  pathFor: (mode: string) => string,
  gapMs: number,
  originPid: number | undefined,
  headers?: (mode: string) => Record<string, string>,
): Runner {
  const bodies = new Map<string, Buffer>();
  return {
    info,
    target: makeTarget(info.key, baseUrl),
    cpu: info.pids?.length ? cpuMeter(process.pid, originPid, info.pids) : null,
    gateCpu: null,
    spec: (kind, stream) => {
      const mode = modeOf(kind, gapMs);
      const k = `${kind === 'slowTtft'}/${stream}/${tokensOf(kind)}`;
      let b = bodies.get(k);
      // The same body as the router's: the emulator serves the model under the endpoints' names too.
      if (!b) bodies.set(k, (b = body(kind === 'slowTtft' ? EP_SLOW : EP_FAST, stream, tokensOf(kind))));
      return { path: pathFor(mode), headers: headers?.(mode), body: b };
    },
  };
}

type Sample = {
  /** When it was sent (performance.now()): pauses are found from when requests ended. */
  at: number;
  ms: number;
  total?: number;
  gaps?: number[];
  events?: number;
  ok: boolean;
  status: number;
  bodyHead?: string;
};

async function runRound(
  ctx: Ctx,
  r: Runner,
  kind: CompareKind,
  stream: boolean,
  concurrency: number,
  requests: number,
  warmup: number,
) {
  const spec = r.spec(kind, stream);
  let before: ReturnType<CpuMeter['snapshot']> | null = null;
  let gateBefore: ReturnType<CpuMeter['snapshot']> | null = null;
  const send = stream
    ? async (): Promise<Sample> => {
        const at = performance.now();
        const s: StreamReply = await requestStream(r.target, spec);
        const gaps: number[] = [];
        for (let i = 1; i < s.eventMs.length; i++) gaps.push(s.eventMs[i]! - s.eventMs[i - 1]!);
        return {
          at,
          ms: s.firstEventMs,
          total: s.totalMs,
          gaps,
          events: s.eventMs.length,
          ok: s.status === 200 && s.sawDone,
          status: s.status,
        };
      }
    : async (): Promise<Sample> => {
        const at = performance.now();
        const x: Reply = await request(r.target, spec);
        return { at, ms: x.totalMs, ok: x.status === 200, status: x.status };
      };
  const result = await closedLoop<Sample>({
    concurrency,
    requests,
    durationMs: ctx.plan.compare.roundMs,
    warmup,
    send,
    beforeMeasure: () => {
      before = r.cpu?.snapshot() ?? null;
      gateBefore = r.gateCpu?.snapshot() ?? null;
    },
  });
  const n = result.results.length + result.errorCount;
  const cpu = r.cpu && before ? r.cpu.perRequest(before, r.cpu.snapshot(), n) : null;
  const gateCpu = r.gateCpu && gateBefore ? r.gateCpu.perRequest(gateBefore, r.gateCpu.snapshot(), n) : null;
  return { result, cpu, gateCpu };
}

function emptySide(): CompareSide {
  return {
    latency: summarize([]),
    cpuMs: [],
    topThreadMs: [],
    rps: [],
    n: 0,
    errors: 0,
    unexpected: 0,
    incomplete: 0,
    errorSamples: [],
    pauses: NO_PAUSES,
  };
}

async function runPoint(
  ctx: Ctx,
  runners: Runner[],
  kind: CompareKind,
  concurrency: number,
  requests: number,
  rounds: number,
  gapMs: number,
): Promise<ComparePoint> {
  const stream = kind !== 'nonStream';
  const samples = new Map<string, Sample[]>();
  const sides: Record<string, CompareSide> = {};
  for (const r of runners) {
    samples.set(r.info.key, []);
    sides[r.info.key] = emptySide();
  }
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so that no target always follows the same one.
    const order = runners.map((_, i) => runners[(i + round) % runners.length]!);
    for (const r of order) {
      checkInterrupted();
      const warmup = round === 0 ? Math.max(20, Math.min(200, concurrency * 4)) : concurrency;
      const { result, cpu, gateCpu } = await runRound(
        ctx,
        r,
        kind,
        stream,
        concurrency,
        requests,
        kind === 'longStream' ? concurrency : warmup,
      );
      const side = sides[r.info.key]!;
      const ok = result.results.filter((s) => s.ok);
      samples.get(r.info.key)!.push(...ok);
      side.errors += result.errorCount;
      side.errorSamples.push(...result.errors.slice(0, 2));
      const bad = result.results.filter((s) => !s.ok);
      if (stream) side.incomplete += bad.filter((s) => s.status === 200).length;
      side.unexpected += bad.filter((s) => s.status !== 200).length;
      for (const b of bad.slice(0, 2))
        side.errorSamples.push(`HTTP ${b.status}${b.status === 200 ? ' (stream without [DONE])' : ''}`);
      side.rps.push(result.rps);
      side.pauses = addPauses(side.pauses, findPauses(ok, concurrency));
      if (cpu) {
        side.cpuMs.push(cpu.workerdMs);
        side.topThreadMs.push(cpu.workerdTopThreadMs);
      }
      if (gateCpu) (side.gateCpuMs ??= []).push(gateCpu.workerdMs);
    }
  }
  const direct = samples.get('direct') ?? [];
  const directSummary = summarize(direct.map((s) => s.ms));
  const addedBy: Record<string, Added> = {};
  for (const r of runners) {
    const list = samples.get(r.info.key)!;
    const side = sides[r.info.key]!;
    side.latency = summarize(list.map((s) => s.ms));
    side.n = list.length;
    side.errorSamples = side.errorSamples.slice(0, 4);
    if (stream) {
      side.total = summarize(list.map((s) => s.total ?? NaN));
      side.gaps = summarize(list.flatMap((s) => s.gaps ?? []));
      side.eventsPerStream = list.length ? list.reduce((a, s) => a + (s.events ?? 0), 0) / list.length : NaN;
    }
    if (r.info.key !== 'direct') addedBy[r.info.key] = added(side.latency, directSummary);
  }
  const tokenMs = kind === 'slowTtft' ? gapMs : 0;
  const point: ComparePoint = { kind, concurrency, tokenMs, maxTokens: tokensOf(kind), rounds, sides, added: addedBy };
  ctx.log(
    `compare ${kind} C=${concurrency}: ` +
      runners
        .filter((r) => r.info.key !== 'direct')
        .map((r) => `${r.info.key} +${addedBy[r.info.key]!.p50.toFixed(2)}/+${addedBy[r.info.key]!.p99.toFixed(2)}`)
        .join(', '),
  );
  return point;
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null;
}

function mean(v: number[] | undefined): number | undefined {
  return v && v.length ? v.reduce((s, x) => s + x, 0) / v.length : undefined;
}

function ratios(points: ComparePoint[], keys: Set<string>): CompareResult['ratios'] {
  const portkey = keys.has('portkey-workerd') ? 'portkey-workerd' : keys.has('portkey-node') ? 'portkey-node' : null;
  const out: CompareResult['ratios'] = [];
  for (const p of points) {
    if (p.kind === 'longStream') continue;
    for (const q of ['p50', 'p99'] as const) {
      const router = p.added.router?.[q];
      out.push({
        row: `${p.kind} C=${p.concurrency} added ${q}`,
        routerOverBare: ratio(router, p.added.bare?.[q]),
        routerMinusPortkey: portkey && router !== undefined ? router - (p.added[portkey]?.[q] ?? NaN) : null,
        portkey,
      });
    }
  }
  const at = (kind: CompareKind, c: number | null) =>
    points.find((p) => p.kind === kind && (c === null || p.concurrency === c)) ?? points.find((p) => p.kind === kind);
  const cpu = (kind: CompareKind, c: number | null, key: string) => mean(at(kind, c)?.sides[key]?.cpuMs);
  for (const [row, kind, c] of [
    ['CPU per non-stream request', 'nonStream', 16],
    ['CPU per 15-event stream', 'ttft', 16],
    ['CPU per 1,000-token stream', 'longStream', null],
  ] as const) {
    const router = cpu(kind, c, 'router');
    out.push({
      row,
      routerOverBare: ratio(router, cpu(kind, c, 'bare')),
      routerMinusPortkey: portkey && router !== undefined ? router - (cpu(kind, c, portkey) ?? NaN) : null,
      portkey,
    });
  }
  return out;
}

export async function runCompare(ctx: Ctx): Promise<CompareResult> {
  const { fx, plan } = ctx;
  const cmp = plan.compare;
  const gapMs = plan.gaps.gapMs;
  const origin = fx.originUrl;
  const originPid = ctx.originPid;
  const loadStart = os.loadavg();
  const skipped: CompareResult['skipped'] = [];
  /** A target that could not start: left out of the table, with the first line of why. */
  const skip = (key: string, label: string, err: unknown): string => {
    const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    skipped.push({ key, label, reason });
    return reason;
  };
  const runners: Runner[] = [];
  const stops: Array<() => Promise<void>> = [];
  const extraFixtures: Fixtures[] = [];
  const date = '2026-11-01';
  try {
    runners.push(
      plainRunner(
        { key: 'direct', label: 'direct', what: 'the emulator, no worker', pids: null },
        origin,
        (mode) => `/mode/${mode}${CHAT_PATH}`,
        gapMs,
        originPid,
      ),
    );
    runners.push(
      routerRunner('router', 'router', 'the router, gate in its process (this harness)', fx, fx.harness, originPid),
    );

    // Portkey on Node starts meanwhile (its pid is its own; the workerd processes start one at a time, so each
    // one's pid is the one that appeared).
    const pkNodeStarting = startPortkeyNode(ctx.log);
    pkNodeStarting.catch(() => undefined);
    const startRouter = async (
      key: string,
      label: string,
      what: string,
      extra: Parameters<typeof startMiniflareHarness>[0],
      renamed = false,
    ) => {
      try {
        ctx.log(`starting ${label}…`);
        const h = await startMiniflareHarness(extra);
        stops.push(h.stop);
        const f = await setupFixtures(h, origin, gapMs, { renamed });
        extraFixtures.push(f);
        runners.push(routerRunner(key, label, what, f, h, originPid));
      } catch (err) {
        ctx.log(`${label}: not run: ${skip(key, label, err)}`);
      }
    };
    await startRouter(
      'router-gate-own',
      'router, gate in own process',
      "the router; its KeyGate objects in a second workerd process (Miniflare's dev registry)",
      {
        originUrl: origin,
        adminToken: `bench-admin-${randomUUID()}`,
        gate: 'own-process',
        helpers: false,
        label: 'router (gate apart)',
        workerDir: ctx.workerDir ?? undefined,
        prebuiltBundle: fx.harness.bundlePath,
      },
    );
    await startRouter('router-nometrics', 'router, metrics off', 'the router with METRICS_ENABLED=false', {
      originUrl: origin,
      adminToken: `bench-admin-${randomUUID()}`,
      vars: { METRICS_ENABLED: 'false' },
      helpers: false,
      label: 'router (metrics off)',
      workerDir: ctx.workerDir ?? undefined,
      prebuiltBundle: fx.harness.bundlePath,
    });

    await startRouter(
      'router-renamed',
      'router, model renamed',
      "the router with endpoints that name the model by the origin's id: it renames `model` in each event",
      {
        originUrl: origin,
        adminToken: `bench-admin-${randomUUID()}`,
        helpers: false,
        label: 'router (model renamed)',
        workerDir: ctx.workerDir ?? undefined,
        prebuiltBundle: fx.harness.bundlePath,
      },
      true,
    );

    let bare: PeerWorker | null = null;
    try {
      bare = await startPeerWorker({
        name: 'bare-worker',
        contents: BASELINE_WORKER,
        compatibilityDate: date,
        bindings: { ORIGIN: origin },
      });
      stops.push(bare.stop);
      runners.push(
        plainRunner(
          {
            key: 'bare',
            label: 'bare Worker',
            what: 'a Worker that only fetch()es the origin (own workerd process)',
            pids: bare.workerdPids,
          },
          bare.url,
          (mode) => `/pass/mode/${mode}${CHAT_PATH}`,
          gapMs,
          originPid,
        ),
      );
      runners.push(
        plainRunner(
          {
            key: 'bare-pump',
            label: 'Worker + JS pump',
            what: 'the same Worker moving the answer through a JavaScript read/write loop per chunk (the floor for any worker that rewrites a stream)',
            pids: bare.workerdPids,
          },
          bare.url,
          (mode) => `/pump/mode/${mode}${CHAT_PATH}`,
          gapMs,
          originPid,
        ),
      );
      runners.push(
        plainRunner(
          {
            key: 'bare-tee',
            label: 'Worker + JS read of a tee',
            what: 'the same Worker streaming the answer natively while JavaScript reads a tee of it (1,000-token streams only: what reading each chunk costs, without writing)',
            pids: bare.workerdPids,
          },
          bare.url,
          (mode) => `/tee/mode/${mode}${CHAT_PATH}`,
          gapMs,
          originPid,
        ),
      );
    } catch (err) {
      skip('bare', 'bare Worker', err);
    }

    const pkHeaders = (mode: string) => portkeyHeaders(`${origin}/mode/${mode}/v1`);
    try {
      const bundle = await portkeyWorkerdBundle(ctx.log);
      if ('missing' in bundle) throw new Error(bundle.missing);
      const pk = await startPeerWorker({
        name: 'portkey-gateway',
        scriptPath: bundle.scriptPath,
        compatibilityDate: '2024-12-05',
        compatibilityFlags: ['nodejs_compat'],
        bindings: { ENVIRONMENT: 'dev' },
      });
      stops.push(pk.stop);
      runners.push(
        plainRunner(
          {
            key: 'portkey-workerd',
            label: 'Portkey (workerd)',
            what: `Portkey gateway ${PORTKEY_VERSION} bundled by wrangler, own workerd process`,
            pids: pk.workerdPids,
          },
          pk.url,
          () => CHAT_PATH,
          gapMs,
          originPid,
          pkHeaders,
        ),
      );
    } catch (err) {
      ctx.log(`Portkey (workerd): not run: ${skip('portkey-workerd', 'Portkey (workerd)', err)}`);
    }
    let pkNode: PortkeyNode | null = null;
    try {
      pkNode = await pkNodeStarting;
      stops.push(pkNode.stop);
      runners.push(
        plainRunner(
          {
            key: 'portkey-node',
            label: 'Portkey (Node)',
            what: `@portkey-ai/gateway ${PORTKEY_VERSION} on Node ${process.versions.node}, own process`,
            pids: pkNode.pid ? [pkNode.pid] : null,
          },
          pkNode.url,
          () => CHAT_PATH,
          gapMs,
          originPid,
          pkHeaders,
        ),
      );
    } catch (err) {
      ctx.log(`Portkey (Node): not run: ${skip('portkey-node', 'Portkey (Node)', err)}`);
    }

    // One checked request per target and kind before measuring: a target that cannot answer is dropped, said why.
    for (const r of [...runners]) {
      for (const stream of [false, true]) {
        const spec = r.spec('nonStream', stream);
        const reply = stream
          ? await requestStream(r.target, spec)
          : await request(r.target, { ...spec, keepBody: true });
        const good = reply.status === 200 && (!stream || (reply as StreamReply).sawDone);
        if (!good) {
          const why = `${stream ? 'streaming' : 'non-streaming'} request answered HTTP ${reply.status}${'body' in reply && reply.body ? `: ${reply.body.slice(0, 200)}` : ''}`;
          if (r.info.key === 'direct' || r.info.key === 'router') throw new Error(`${r.info.label}: ${why}`);
          skipped.push({ key: r.info.key, label: r.info.label, reason: why });
          runners.splice(runners.indexOf(r), 1);
          closeTarget(r.target);
          ctx.log(`${r.info.label}: dropped: ${why}`);
          break;
        }
      }
    }

    const points: ComparePoint[] = [];
    const targetsFor = (kind: CompareKind) => runners.filter((r) => !LEFT_OUT[kind].includes(r.info.key));
    for (const c of cmp.concurrency)
      points.push(
        await runPoint(ctx, targetsFor('nonStream'), 'nonStream', c, cmp.requests[c] ?? 1000, cmp.rounds, gapMs),
      );
    for (const c of cmp.concurrency)
      points.push(await runPoint(ctx, targetsFor('ttft'), 'ttft', c, cmp.streams[c] ?? 500, cmp.rounds, gapMs));
    points.push(
      await runPoint(
        ctx,
        targetsFor('slowTtft'),
        'slowTtft',
        cmp.slowConcurrency,
        cmp.slowStreams,
        cmp.slowRounds,
        gapMs,
      ),
    );
    // Long streams: the emulator's `ignore_eos` is passed through by the router and the bare Worker; Portkey drops
    // unknown fields (its streams then stop at ~15 events, shown in the events column and left out of the CPU row).
    points.push(
      await runPoint(
        ctx,
        targetsFor('longStream'),
        'longStream',
        cmp.longConcurrency,
        cmp.longStreams,
        cmp.slowRounds,
        gapMs,
      ),
    );
    return {
      targets: runners.map((r) => r.info),
      skipped,
      points,
      loadAverage: {
        start: loadStart.map((v) => Math.round(v * 100) / 100),
        end: os.loadavg().map((v) => Math.round(v * 100) / 100),
      },
      ratios: ratios(points, new Set(runners.map((r) => r.info.key))),
    };
  } finally {
    for (const r of runners) closeTarget(r.target);
    for (const f of extraFixtures) f.close();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
