// --profile: the router's isolate under the sampling profiler while it serves the
// concurrency-16 latency load, saved next to the JSON results and summarised.

import { copyFile, writeFile } from 'node:fs/promises';
import { CHAT_PATH, EP_FAST } from '../fixtures.ts';
import { requestStream } from '../http-client.ts';
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
  const streamConcurrency = 2;
  const streamsN = ctx.plan.name === 'smoke' ? 2 : 20;
  await requestStream(ctx.fx.targets.router, streamSpec);
  let streamed = 0;
  const streamProfile = await profileDuring(h.inspectorUrl, async () => {
    const run = await closedLoop({
      concurrency: streamConcurrency,
      requests: streamsN,
      send: () => requestStream(ctx.fx.targets.router, streamSpec),
    });
    streamed = run.results.filter((r) => r.sawDone).length;
  });
  const streamFile = outFile.replace(/\.json$/, '') + '.router-stream.cpuprofile';
  await writeFile(streamFile, JSON.stringify(streamProfile));
  const streamSummary = await summarizeProfile(streamProfile, h.bundlePath, streamed);
  ctx.log(
    `profile: ${streamed} streams of ${LONG_TOKENS} tokens, ${streamSummary.totalMs.toFixed(0)} ms profiled, written to ${streamFile}`,
  );

  // Short streams at C=16: the pump's path, and the first token's wait on a saturated thread.
  const shortSpec = { ...streamSpec, body: shortStreamBody(EP_FAST) };
  const shortN = ctx.plan.name === 'smoke' ? 20 : requests;
  await closedLoop({ concurrency, requests: 200, send: () => requestStream(ctx.fx.targets.router, shortSpec) });
  let shortServed = 0;
  const shortProfile = await profileDuring(h.inspectorUrl, async () => {
    const run = await closedLoop({
      concurrency,
      requests: shortN,
      send: () => requestStream(ctx.fx.targets.router, shortSpec),
    });
    shortServed = run.results.filter((r) => r.sawDone).length;
  });
  const shortFile = outFile.replace(/\.json$/, '') + '.router-short-stream.cpuprofile';
  await writeFile(shortFile, JSON.stringify(shortProfile));
  const shortSummary = await summarizeProfile(shortProfile, h.bundlePath, shortServed);
  ctx.log(
    `profile: ${shortServed} streams of ${SHORT_TOKENS} tokens, ${shortSummary.totalMs.toFixed(0)} ms profiled, written to ${shortFile}`,
  );
  return {
    ...summary,
    file,
    concurrency,
    stream: { ...streamSummary, file: streamFile, concurrency: streamConcurrency, tokens: LONG_TOKENS },
    shortStream: { ...shortSummary, file: shortFile, concurrency, tokens: SHORT_TOKENS },
  };
}
