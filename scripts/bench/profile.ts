// CPU profile of the router's isolate while it serves load (`--profile`, Miniflare only):
// V8's sampling profiler over workerd's DevTools inspector, saved as a .cpuprofile (open
// it in Chrome DevTools) and summarised by source file and function through the bundle's
// source map. Time spent in workerd's C++ outside JavaScript shows as "(program)".

import { readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Starts the sampling profiler on an inspector target, runs `work`, returns the profile. */
export async function profileDuring(
  wsUrl: string,
  work: () => Promise<void>,
  samplingIntervalUs = 200,
): Promise<CpuProfile> {
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot connect to the inspector at ${wsUrl}`)), {
      once: true,
    });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener('message', (ev: MessageEvent) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p?.reject(new Error(msg.error.message));
    else p?.resolve(msg.result);
  });
  const call = <T>(method: string, params: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('Profiler.enable');
    await call('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await call('Profiler.start');
    let failure: unknown = null;
    await work().catch((err: unknown) => (failure = err ?? new Error('profiled work failed')));
    const { profile } = await call<{ profile: CpuProfile }>('Profiler.stop');
    await call('Profiler.disable');
    if (failure) throw failure;
    return profile;
  } finally {
    ws.close();
  }
}

export interface ProfileRow {
  name: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  requests: number;
  /** Self time by group: runtime buckets ((idle), (program), (garbage collector)), then source file. */
  byFile: ProfileRow[];
  byFunction: ProfileRow[];
}

/** `../../src/gate/lease.ts` → `src/gate/lease.ts`; `node_modules/hono/dist/x.js` → `hono/dist/x.js`. */
function shortSource(source: string): string {
  const s = source.replace(/\\/g, '/');
  const nm = s.lastIndexOf('node_modules/');
  if (nm >= 0) return s.slice(nm + 'node_modules/'.length);
  const src = s.indexOf('src/');
  if (src >= 0) return s.slice(src);
  return s.replace(/^(\.\.\/)+/, '');
}

export async function summarizeProfile(
  profile: CpuProfile,
  bundlePath: string,
  requests: number,
): Promise<ProfileSummary> {
  let map: SourceMap | null;
  try {
    map = new SourceMap(
      JSON.parse(await readFile(`${bundlePath}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0],
    );
  } catch {
    map = null;
  }
  const bundleName = path.basename(bundlePath);
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i]!;
      // timeDeltas[i] is the time before sample i: charge it to that sample's node.
      selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  }
  const totalUs = profile.endTime - profile.startTime;
  const files = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us <= 0) continue;
    const cf = node.callFrame;
    let file: string;
    let fn: string;
    if (!cf.url) {
      file = cf.functionName.startsWith('(') ? cf.functionName : '(native)';
      fn = cf.functionName || '(anonymous native)';
    } else if (map && cf.url.endsWith(bundleName)) {
      const e = map.findEntry(cf.lineNumber, cf.columnNumber) as {
        originalSource?: string;
        originalLine?: number;
        name?: string;
      };
      file = e.originalSource ? shortSource(e.originalSource) : cf.url;
      fn = `${cf.functionName || '(anonymous)'} ${file}:${(e.originalLine ?? 0) + 1}`;
    } else {
      file = cf.url;
      fn = `${cf.functionName || '(anonymous)'} ${cf.url}:${cf.lineNumber + 1}`;
    }
    files.set(file, (files.get(file) ?? 0) + us);
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const rows = (m: Map<string, number>, n: number): ProfileRow[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: us / totalUs }));
  return { totalMs: totalUs / 1000, requests, byFile: rows(files, 25), byFunction: rows(fns, 30) };
}
