// The whole run: origin emulator, client calibration, then each harness in turn (never two
// at once: they would compete for the same cores), every section, the report and the JSON.

import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { checkInterrupted, Interrupted } from './cleanup.ts';
import { cpuMeter, machineWatch } from './cpu.ts';
import type { CliOptions, SectionKey } from './cli.ts';
import { FAST_MODE, setupFixtures } from './fixtures.ts';
import type { Harness, HarnessName } from './harness.ts';
import { startMiniflareHarness } from './harness-miniflare.ts';
import { startWranglerHarness } from './harness-wrangler.ts';
import { closeTarget, makeTarget } from './http-client.ts';
import { commandLine, gitState, machineInfo } from './machine.ts';
import { startOriginProcess } from './origin-process.ts';
import { SERVED_ENDPOINTS } from './fixtures.ts';
import { freePort } from '../lib/stack.ts';
import { FULL, SMOKE, type Plan } from './plan.ts';
import { renderReport } from './report.ts';
import { writeResults, type BenchResults, type HarnessResult } from './results.ts';
import { runAdmission } from './scenarios/admission.ts';
import { runCompare } from './scenarios/compare.ts';
import { runClientCalibration } from './scenarios/client.ts';
import type { Ctx } from './scenarios/context.ts';
import { runFloor } from './scenarios/floor.ts';
import { runLatency } from './scenarios/latency.ts';
import { runScaling } from './scenarios/scaling.ts';
import { runProfile, type ProfileResult } from './scenarios/profile.ts';
import { runGuardTtft } from './scenarios/guardrails.ts';
import { runGaps, runTtft } from './scenarios/streaming.ts';
import { runThroughput } from './scenarios/throughput.ts';
import { checkTargets } from './targets.ts';

const progress = (msg: string) => process.stderr.write(`${msg}\n`);

const SECTIONS: Array<{ key: SectionKey; title: string; run: (ctx: Ctx) => Promise<unknown> }> = [
  { key: 'compare', title: '0. side by side: router, bare Worker, Portkey', run: runCompare },
  { key: 'latency', title: '1. added latency', run: runLatency },
  { key: 'floor', title: 'hot-path floor', run: runFloor },
  { key: 'ttft', title: '2a. time to first token', run: runTtft },
  { key: 'guard', title: '2c. time to first token with an input guard', run: runGuardTtft },
  { key: 'gaps', title: '2b. SSE gaps', run: runGaps },
  { key: 'throughput', title: '3. throughput', run: runThroughput },
  { key: 'admission', title: '4. admission cost', run: runAdmission },
  { key: 'scaling', title: '5. scaling with keys', run: runScaling },
];

/** Sums the error counters anywhere in a section's result (errors, unexpected statuses, incomplete streams). */
function countProblems(value: unknown): { count: number; samples: string[] } {
  let count = 0;
  const samples: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    for (const k of ['errors', 'unexpected', 'incomplete']) if (typeof o[k] === 'number') count += o[k] as number;
    if (Array.isArray(o.errorSamples))
      for (const e of o.errorSamples) if (samples.length < 2) samples.push(String(e).slice(0, 200));
    for (const [k, child] of Object.entries(o)) if (k !== 'errorSamples' && typeof child === 'object') walk(child);
  };
  walk(value);
  return { count, samples };
}

function startHarness(
  name: HarnessName,
  originUrl: string,
  adminToken: string,
  workerDir: string | null,
): Promise<Harness> {
  return name === 'miniflare'
    ? startMiniflareHarness({ originUrl, adminToken, workerDir: workerDir ?? undefined })
    : startWranglerHarness({ adminToken });
}

/**
 * --profile: a separate Miniflare instance with workerd's inspector open (an open inspector
 * slows the isolate down, so the measured sections never run with it).
 */
async function profileRun(
  origin: { url: string; pid: number | undefined },
  plan: Plan,
  opts: CliOptions,
): Promise<ProfileResult> {
  progress('[profile] starting miniflare with the inspector open…');
  const harness = await startMiniflareHarness({
    originUrl: origin.url,
    adminToken: `bench-admin-${randomUUID()}`,
    inspectorPort: await freePort(),
    workerDir: opts.workerDir ?? undefined,
  });
  try {
    const fx = await setupFixtures(harness, origin.url, plan.gaps.gapMs);
    try {
      const ctx: Ctx = {
        fx,
        plan,
        cpu: cpuMeter(process.pid, origin.pid, harness.workerdPids),
        log: (msg) => progress(`  [profile] ${msg}`),
        originPid: origin.pid,
        workerDir: opts.workerDir,
      };
      return await runProfile(ctx, opts.out);
    } finally {
      fx.close();
    }
  } finally {
    await harness.stop();
  }
}

async function runHarness(
  harness: Harness,
  origin: { url: string; pid: number | undefined },
  plan: Plan,
  sections: SectionKey[],
  workerDir: string | null,
): Promise<HarnessResult> {
  const t0 = performance.now();
  const result: HarnessResult = {
    name: harness.name,
    description: harness.description,
    startupSeconds: harness.startupSeconds,
    durationSeconds: 0,
    codeVersion: harness.codeVersion,
    workerLogLines: 0,
    failures: [],
  };
  const reloadsAtStart = harness.reloads?.() ?? 0;
  const watch = machineWatch();
  const fx = await setupFixtures(harness, origin.url, plan.gaps.gapMs);
  // workerd runs under this process (Miniflare) or under wrangler, itself a child of it.
  const ctx: Ctx = {
    fx,
    plan,
    cpu: cpuMeter(process.pid, origin.pid, harness.workerdPids),
    log: (msg) => progress(`  [${harness.name}] ${msg}`),
    originPid: origin.pid,
    workerDir,
  };
  try {
    for (const s of SECTIONS.filter((x) => sections.includes(x.key))) {
      checkInterrupted();
      if (s.key === 'compare' && harness.name !== 'miniflare') continue; // its peers run under Miniflare; one run of it is enough
      const dead = harness.dead();
      if (dead) {
        progress(`[${harness.name}] ${dead}: skipping ${s.title}`);
        result.failures.push({ section: s.key, error: `skipped: ${dead}` });
        continue;
      }
      progress(`[${harness.name}] ${s.title}…`);
      try {
        const value = await s.run(ctx);
        (result as unknown as Record<string, unknown>)[s.key] = value;
        const problems = countProblems(value);
        if (problems.count > 0) {
          const error = `${problems.count} request(s) failed or got an unexpected answer (e.g. ${problems.samples.join(' | ') || 'see JSON'})`;
          progress(`[${harness.name}] ${s.title}: ${error}`);
          result.failures.push({ section: s.key, error });
        }
      } catch (err) {
        checkInterrupted(); // a section failing because Ctrl-C stopped the harness is not a result
        if (err instanceof Interrupted) throw err;
        const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
        progress(`[${harness.name}] ${s.title} FAILED: ${message}\n--- worker output (tail) ---\n${harness.logTail()}`);
        result.failures.push({ section: s.key, error: message });
      }
    }
  } finally {
    fx.close();
    result.machine = watch.stop();
    if (result.machine.otherCores > 0.1) {
      progress(
        `[${harness.name}] warning: other processes kept ${result.machine.otherCores.toFixed(2)} cores busy during this run: figures are skewed`,
      );
    }
    result.workerLogLines = harness.logLines();
    const reloads = (harness.reloads?.() ?? 0) - reloadsAtStart;
    if (reloads > 0) {
      const error = `wrangler dev rebuilt the worker ${reloads} time(s) during the run (src/ changed): the figures mix versions of the code`;
      progress(`[${harness.name}] ${error}`);
      result.failures.push({ section: 'code changed', error });
    }
    result.durationSeconds = (performance.now() - t0) / 1000;
  }
  return result;
}

export async function runBench(opts: CliOptions): Promise<{ results: BenchResults; ok: boolean }> {
  const plan = opts.smoke ? SMOKE : FULL;
  const startedAt = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  progress(
    `edge-llm-router bench (${plan.name}), harnesses: ${opts.harnesses.join(', ')}; ${machine.cores} cores (${machine.cpuModel})`,
  );
  // The emulator serves the chat model under the bench endpoints' names too, as vLLM does with
  // --served-model-name: the router has no model to rename on them (fixtures.ts).
  const origin = await startOriginProcess(SERVED_ENDPOINTS);
  progress(`origin emulator: ${origin.url} (own process, pid ${origin.pid})`);
  const harnessResults: HarnessResult[] = [];
  let client: BenchResults['client'];
  let profile: ProfileResult | undefined;
  let profileError: string | undefined;
  let ok = true;
  try {
    const originTarget = makeTarget('origin', `${origin.url}/mode/${FAST_MODE}`);
    try {
      progress('client calibration (node:http vs fetch)…');
      client = await runClientCalibration(originTarget, `${origin.url}/mode/${FAST_MODE}`, plan);
    } finally {
      closeTarget(originTarget);
    }
    const queue = [...opts.harnesses];
    while (queue.length) {
      checkInterrupted();
      const name = queue.shift()!;
      progress(`[${name}] starting…`);
      let harness: Harness;
      try {
        harness = await startHarness(name, origin.url, `bench-admin-${randomUUID()}`, opts.workerDir);
      } catch (err) {
        checkInterrupted();
        if (err instanceof Interrupted) throw err;
        ok = false;
        const message = err instanceof Error ? err.message : String(err);
        progress(`[${name}] could not start: ${message}`);
        harnessResults.push({
          name,
          description: 'did not start',
          startupSeconds: 0,
          durationSeconds: 0,
          codeVersion: '-',
          workerLogLines: 0,
          failures: [{ section: 'startup', error: message }],
        });
        // The smoke run falls back to wrangler dev when Miniflare cannot run here.
        if (opts.smoke && name === 'miniflare' && opts.harnesses.length === 1) queue.push('wrangler');
        continue;
      }
      progress(`[${name}] ready in ${harness.startupSeconds.toFixed(1)} s: ${harness.description}`);
      try {
        const r = await runHarness(harness, origin, plan, opts.sections, opts.workerDir);
        if (r.failures.length) ok = false;
        harnessResults.push(r);
      } finally {
        await harness.stop();
      }
    }
    if (opts.profile) {
      checkInterrupted();
      try {
        profile = await profileRun(origin, plan, opts);
      } catch (err) {
        checkInterrupted();
        if (err instanceof Interrupted) throw err;
        ok = false;
        profileError = err instanceof Error ? (err.stack ?? err.message) : String(err);
        progress(`[profile] FAILED: ${profileError}`);
      }
    }
  } finally {
    await origin.stop();
  }
  checkInterrupted();
  const results: BenchResults = {
    schema: 'edge-llm-router-bench/1',
    loadAverage: { start: machine.loadAverageAtStart, end: os.loadavg().map((v) => Math.round(v * 100) / 100) },
    command: commandLine(),
    plan,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationSeconds: (performance.now() - t0) / 1000,
    machine,
    git: gitState(),
    notes: [
      `${machine.cores} cores shared by the load generator (this node process), the emulator (a second node process) and workerd; harnesses run one after the other.`,
      'Reference harness for the targets: miniflare (router bundle on workerd, direct socket, nothing in front). wrangler = wrangler dev, which adds its proxy worker hop.',
      'Times inside workerd (server-timing, gate probe) have 1 ms resolution and advance only across I/O: their means are meaningful, single values are not.',
    ],
    origin: {
      url: origin.url,
      process: `test/origin/server.ts in its own node process; modes normal/0 (latency, throughput), slow/${plan.gaps.gapMs} (SSE gaps), slow/2000 (held leases), stall/1 (silent stream)`,
    },
    client,
    harnesses: harnessResults,
    ...(opts.profile ? { profile: profile ?? { error: profileError ?? 'not run' } } : {}),
    targets: checkTargets(harnessResults),
  };
  await writeResults(opts.out, results);
  console.log(renderReport(results));
  console.log(`\nJSON: ${opts.out}`);
  return { results, ok };
}
