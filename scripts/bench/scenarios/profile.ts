// --profile: the router's isolate under the sampling profiler while it serves the
// concurrency-16 latency load, saved next to the JSON results and summarised.

import { copyFile, writeFile } from 'node:fs/promises';
import { EP_FAST } from '../fixtures.ts';
import { profileDuring, summarizeProfile, type ProfileSummary } from '../profile.ts';
import { load, type Ctx } from './context.ts';

export interface ProfileResult extends ProfileSummary {
  /** The .cpuprofile; the bundle it ran (and its source map) sit next to it as .bundle.js(.map). */
  file: string;
  concurrency: number;
}

export async function runProfile(ctx: Ctx, outFile: string): Promise<ProfileResult> {
  const h = ctx.fx.harness;
  if (!h.inspectorUrl || !h.bundlePath) throw new Error('profiling needs the miniflare harness started with an inspector');
  const concurrency = 16;
  const requests = ctx.plan.latency.requests[concurrency] ?? 2000;
  const spec = ctx.fx.routerSpec(EP_FAST, ctx.fx.mainKey.key);
  await load(ctx, ctx.fx.targets.router, { concurrency, requests: 200, spec: () => spec }); // warm
  let served = 0;
  const profile = await profileDuring(h.inspectorUrl, async () => {
    const run = await load(ctx, ctx.fx.targets.router, { concurrency, requests, spec: () => spec });
    served = run.results.length;
  });
  const file = outFile.replace(/\.json$/, '') + '.router.cpuprofile';
  await writeFile(file, JSON.stringify(profile));
  // The profiled bundle and its source map, so the profile can be read back later.
  await copyFile(h.bundlePath, file.replace(/\.cpuprofile$/, '.bundle.js'));
  await copyFile(`${h.bundlePath}.map`, file.replace(/\.cpuprofile$/, '.bundle.js.map')).catch(() => undefined);
  const summary = await summarizeProfile(profile, h.bundlePath, served);
  ctx.log(`profile: ${served} requests, ${summary.totalMs.toFixed(0)} ms profiled, written to ${file}`);
  return { ...summary, file, concurrency };
}
