// --profile: the router's isolate under the sampling profiler while it serves the
// concurrency-16 latency load, saved next to the JSON results and summarised.

import { copyFile, writeFile } from 'node:fs/promises';
import { CHAT_PATH, EP_FAST } from '../fixtures.ts';
import { requestStream, type RequestSpec } from '../http-client.ts';
import { closedLoop } from '../load.ts';
import { profileDuring, summarizeProfile, type ProfileSummary } from '../profile.ts';
import { load, type Ctx } from './context.ts';

export interface ProfileResult extends ProfileSummary {
  /** The .cpuprofile; the bundle it ran (and its source map) sit next to it as .bundle.js(.map). */
  file: string;
  concurrency: number;
  /** The same isolate serving 1,000-token streams (the per-event path). */
  stream?: StreamProfile;
  /**
   * 16-token streams with usage at C=16, as section 0's first-token points send them: the short streams
   * that go through the pump (Design, step 7), whose CPU per stream sets the first token's wait at C ≥ 16.
   */
  shortStream?: StreamProfile;
}

export type StreamProfile = ProfileSummary & { file: string; concurrency: number; tokens: number };

const LONG_TOKENS = 1000;

const SHORT_TOKENS = 16;

function longStreamBody(model: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Benchmark the router: a long answer, please.' }],
      max_tokens: LONG_TOKENS,
      ignore_eos: true,
      stream: true,
    }),
  );
}

/** Section 0's first-token body: 16 tokens, usage asked for as the OpenAI SDKs' usage tracking asks. */
function shortStreamBody(model: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Benchmark the router: answer this short question in a few words, please.' }],
      max_tokens: SHORT_TOKENS,
      stream: true,
      stream_options: { include_usage: true },
    }),
  );
}

export async function runProfile(ctx: Ctx, outFile: string): Promise<ProfileResult> {
  const h = ctx.fx.harness;
  if (!h.inspectorUrl || !h.bundlePath)
    throw new Error('profiling needs the miniflare harness started with an inspector');
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

  // Long streams: what each relayed event costs.
  const streamSpec = {
    path: CHAT_PATH,
    headers: { authorization: `Bearer ${ctx.fx.mainKey.key}` },
    body: longStreamBody(EP_FAST),
  };
  const smoke = ctx.plan.name === 'smoke';
  const stream = await profileStreams(ctx, outFile, 'router-stream', streamSpec, {
    concurrency: 2,
    streams: smoke ? 2 : 20,
    warmup: 1,
    tokens: LONG_TOKENS,
  });
  // Short streams at C=16: the pump's path, and the first token's wait on a saturated thread.
  const shortStream = await profileStreams(
    ctx,
    outFile,
    'router-short-stream',
    { ...streamSpec, body: shortStreamBody(EP_FAST) },
    { concurrency, streams: smoke ? 20 : requests, warmup: 200, tokens: SHORT_TOKENS },
  );
  return {
    ...summary,
    file,
    concurrency,
    stream,
    shortStream,
  };
}

/** The router isolate's profile while it serves `streams` streams of `spec` at `concurrency` (after a warm-up). */
async function profileStreams(
  ctx: Ctx,
  outFile: string,
  name: string,
  spec: RequestSpec,
  opts: { concurrency: number; streams: number; warmup: number; tokens: number },
): Promise<StreamProfile> {
  const h = ctx.fx.harness;
  const send = () => requestStream(ctx.fx.targets.router, spec);
  await closedLoop({ concurrency: Math.min(opts.concurrency, opts.warmup), requests: opts.warmup, send });
  let served = 0;
  const profile = await profileDuring(h.inspectorUrl!, async () => {
    const run = await closedLoop({ concurrency: opts.concurrency, requests: opts.streams, send });
    served = run.results.filter((r) => r.sawDone).length;
  });
  const file = outFile.replace(/\.json$/, '') + `.${name}.cpuprofile`;
  await writeFile(file, JSON.stringify(profile));
  const summary = await summarizeProfile(profile, h.bundlePath!, served);
  ctx.log(
    `profile: ${served} streams of ${opts.tokens} tokens, ${summary.totalMs.toFixed(0)} ms profiled, written to ${file}`,
  );
  return { ...summary, file, concurrency: opts.concurrency, tokens: opts.tokens };
}
