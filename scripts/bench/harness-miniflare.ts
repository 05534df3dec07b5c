// The router directly under Miniflare/workerd: the worker bundled by `wrangler deploy
// --dry-run`, bindings read from wrangler.toml through wrangler's own config reader, D1
// migrations applied in-process, and the worker served on a direct workerd socket (no
// Miniflare entry worker, no wrangler proxy worker in front). The same workerd process
// also runs the runtime-baseline and gate-probe workers (probe-workers.ts).

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as MiniflareModule from 'miniflare';
import { AdminClient } from '../lib/admin-client.ts';
import { REPO_ROOT } from '../lib/stack.ts';
import { onCleanup } from './cleanup.ts';
import type { Harness } from './harness.ts';
import { BASELINE_WORKER, GATE_PROBE_WORKER, type GateProbeResult } from './probe-workers.ts';
import { workerdDescendants } from './cpu.ts';
import { bundleWorker, miniflareEntry } from './wrangler-cli.ts';

const HOST = '127.0.0.1';
const LOG_LINES = 2000;

interface WorkerConfig {
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  d1Bindings: string[];
  durableObjects: Record<string, { className: string; useSQLite?: boolean }>;
}

/** The router's bindings as wrangler would give them to Miniflare (no second copy of wrangler.toml). */
async function readWorkerConfig(
  workerDir: string,
): Promise<{ config: WorkerConfig; splitSql: (sql: string) => string[] }> {
  const wrangler = await import('wrangler');
  const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(path.join(workerDir, 'wrangler.toml'));
  const wo = workerOptions as unknown as {
    compatibilityDate?: string;
    compatibilityFlags?: string[];
    bindings?: Record<string, unknown>;
    d1Databases?: Record<string, unknown> | string[];
    durableObjects?: Record<string, string | { className: string; useSQLite?: boolean }>;
  };
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(wo.bindings ?? {})) vars[k] = typeof v === 'string' ? v : JSON.stringify(v);
  const durableObjects: WorkerConfig['durableObjects'] = {};
  for (const [k, v] of Object.entries(wo.durableObjects ?? {})) {
    durableObjects[k] = typeof v === 'string' ? { className: v } : { className: v.className, useSQLite: v.useSQLite };
  }
  const d1 = wo.d1Databases ?? {};
  return {
    config: {
      compatibilityDate: wo.compatibilityDate ?? '2026-11-01',
      compatibilityFlags: wo.compatibilityFlags ?? [],
      vars,
      d1Bindings: Array.isArray(d1) ? d1 : Object.keys(d1),
      durableObjects,
    },
    splitSql: (sql) => wrangler.unstable_splitSqlQuery(sql),
  };
}

export interface MiniflareHarnessOptions {
  originUrl: string;
  adminToken: string;
  /** Where D1 and Durable Object storage live (default: a fresh dir under the OS temp dir). */
  storageDir?: string;
  /** Open workerd's DevTools inspector on this port (for --profile). */
  inspectorPort?: number;
  /** The router to bench: a directory with wrangler.toml, src/ and migrations/ (default: this repository). */
  workerDir?: string;
  /** Vars over wrangler.toml's (e.g. `METRICS_ENABLED: 'false'`). */
  vars?: Record<string, string>;
  /**
   * Where the KeyGate Durable Object runs: in the router's workerd process (default), or in a
   * workerd process of its own that the router reaches through Miniflare's dev registry (as in
   * production, where the object runs away from the router's thread).
   */
  gate?: 'same-process' | 'own-process';
  /** Also run the runtime-baseline and gate-probe workers in the router's process (default true). */
  helpers?: boolean;
  /** A name for logs and cleanup (default 'miniflare'). */
  label?: string;
  /** Serve this bundle (another harness's `bundlePath`, built from the same directory) instead of building one. */
  prebuiltBundle?: string;
}

/** workerd processes under this process right now (Miniflare starts them as children). */
export function workerdPidsNow(): Set<number> {
  return new Set(workerdDescendants(process.pid));
}

/** The workerd processes that appeared since `before`. */
export function newWorkerdPids(before: Set<number>): number[] {
  return workerdDescendants(process.pid).filter((p) => !before.has(p));
}

export async function startMiniflareHarness(opts: MiniflareHarnessOptions): Promise<Harness> {
  const started = performance.now();
  const label = opts.label ?? 'miniflare';
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'edge-llm-router-bench-'));
  const removeTmp = onCleanup(`${label} bundle dir`, () => rm(tmp, { recursive: true, force: true }));
  let mf: MiniflareModule.Miniflare | null = null;
  let gateMf: MiniflareModule.Miniflare | null = null;
  const disposeMf = onCleanup(label, async () => {
    await mf?.dispose();
    mf = null;
    await gateMf?.dispose();
    gateMf = null;
  });
  const stop = async () => {
    await disposeMf();
    await removeTmp();
  };
  try {
    const workerDir = opts.workerDir ?? REPO_ROOT;
    const helpers = opts.helpers ?? true;
    const ownGate = opts.gate === 'own-process';
    // A bundle another harness built from the same directory (its modules root is that harness's temp dir).
    const scriptPath = opts.prebuiltBundle ?? (await bundleWorker(path.join(tmp, 'bundle'), workerDir));
    const modulesRoot = opts.prebuiltBundle ? path.dirname(path.dirname(opts.prebuiltBundle)) : tmp;
    const bundleHash = createHash('sha256')
      .update(await readFile(scriptPath))
      .digest('hex')
      .slice(0, 16);
    const { config, splitSql } = await readWorkerConfig(workerDir);
    const { Miniflare, convertV4MiniflareOptions } = (await import(
      pathToFileURL(miniflareEntry()).href
    )) as typeof MiniflareModule;
    const logs: string[] = [];
    let logCount = 0;
    const gateBinding = Object.entries(config.durableObjects).find(([, v]) => v.className === 'KeyGate');
    if (!gateBinding) throw new Error('wrangler.toml binds no KeyGate Durable Object');
    const vars = { ...config.vars, ...opts.vars, ADMIN_TOKEN: opts.adminToken };
    // Miniflare's dev registry (a directory of this run only, so no other `wrangler dev` on the
    // machine is seen): how the router's GATE binding reaches an object in another process.
    const registry = ownGate
      ? { enableDevRegistry: true, unsafeDevRegistryPath: path.join(tmp, 'registry') }
      : { enableDevRegistry: false };
    const handleStructuredLogs = (log: { level: string; message: string }) => {
      logCount++;
      logs.push(`${log.level}: ${log.message}`);
      if (logs.length > LOG_LINES) logs.splice(0, logs.length - LOG_LINES);
    };
    const before = workerdPidsNow();
    let gatePids: number[] = [];
    const GATE_SCRIPT = 'edge-llm-router-gate';
    if (ownGate) {
      // The same bundle in a workerd process of its own: only its KeyGate objects are used.
      const gateOptions = {
        host: HOST,
        port: 0,
        cf: false,
        ...registry,
        resourcePersistencePath: path.join(tmp, 'gate-storage'),
        handleStructuredLogs,
        workers: [
          {
            name: GATE_SCRIPT,
            modulesRoot,
            modules: true,
            scriptPath,
            compatibilityDate: config.compatibilityDate,
            compatibilityFlags: config.compatibilityFlags,
            bindings: vars,
            d1Databases: Object.fromEntries(config.d1Bindings.map((b) => [b, `bench-gate-${b.toLowerCase()}`])),
            durableObjects: config.durableObjects,
          },
        ],
      };
      gateMf = new Miniflare(
        convertV4MiniflareOptions(gateOptions as unknown as Parameters<typeof convertV4MiniflareOptions>[0]),
      );
      await gateMf.ready;
      gatePids = newWorkerdPids(before);
    }
    const beforeRouter = workerdPidsNow();
    const durableObjects: Record<string, unknown> = { ...config.durableObjects };
    if (ownGate)
      durableObjects[gateBinding[0]] = {
        className: 'KeyGate',
        scriptName: GATE_SCRIPT,
        useSQLite: gateBinding[1].useSQLite ?? true,
      };
    const v4 = {
      host: HOST,
      port: 0,
      cf: false,
      ...registry,
      resourcePersistencePath: opts.storageDir ?? path.join(tmp, 'storage'),
      ...(opts.inspectorPort ? { inspectorPort: opts.inspectorPort } : {}),
      handleStructuredLogs,
      workers: [
        {
          name: 'router',
          // Module names are paths relative to the modules root; one outside it ('../…') makes
          // workerd fail with "internal error", so the root is the temp dir holding them all.
          modulesRoot,
          modules: true,
          scriptPath,
          compatibilityDate: config.compatibilityDate,
          compatibilityFlags: config.compatibilityFlags,
          bindings: vars,
          d1Databases: Object.fromEntries(config.d1Bindings.map((b) => [b, `bench-${b.toLowerCase()}`])),
          durableObjects,
          unsafeDirectSockets: [{ host: HOST, port: 0 }],
        },
        ...(helpers
          ? [
              {
                name: 'runtime-baseline',
                modulesRoot: tmp,
                modules: [{ type: 'ESModule', path: path.join(tmp, 'baseline.mjs'), contents: BASELINE_WORKER }],
                compatibilityDate: config.compatibilityDate,
                compatibilityFlags: config.compatibilityFlags,
                bindings: { ORIGIN: opts.originUrl },
                unsafeDirectSockets: [{ host: HOST, port: 0 }],
              },
              {
                name: 'gate-probe',
                modulesRoot: tmp,
                modules: [{ type: 'ESModule', path: path.join(tmp, 'gate-probe.mjs'), contents: GATE_PROBE_WORKER }],
                compatibilityDate: config.compatibilityDate,
                durableObjects: {
                  GATE: { className: 'KeyGate', scriptName: 'router', useSQLite: gateBinding[1].useSQLite ?? true },
                  ECHO: { className: 'Echo', useSQLite: true },
                },
              },
            ]
          : []),
      ],
    };
    mf = new Miniflare(convertV4MiniflareOptions(v4 as unknown as Parameters<typeof convertV4MiniflareOptions>[0]));
    const running = mf;
    await running.ready;

    // D1 migrations, in file order, each file in one batch (as `wrangler d1 migrations apply` does).
    const migrationsDir = path.join(workerDir, 'migrations');
    for (const binding of config.d1Bindings) {
      const db = await running.getD1Database(binding);
      for (const file of (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort()) {
        const statements = splitSql(await readFile(path.join(migrationsDir, file), 'utf8'));
        await db.batch(statements.map((s) => db.prepare(s)));
      }
    }

    const routerPids = newWorkerdPids(beforeRouter);
    const routerUrl = (await running.unsafeGetDirectURL('router')).href.replace(/\/$/, '');
    const baselineUrl = helpers ? (await running.unsafeGetDirectURL('runtime-baseline')).href.replace(/\/$/, '') : null;
    const entryUrl = (await running.ready).href.replace(/\/$/, '');
    const probe = helpers ? await running.getWorker('gate-probe') : null;
    const varsNote = opts.vars
      ? `; vars ${Object.entries(opts.vars)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`
      : '';
    return {
      name: 'miniflare',
      description:
        `router bundle on workerd via Miniflare, direct socket ${routerUrl} (no entry/proxy worker in front)` +
        (ownGate
          ? `; KeyGate in a workerd process of its own (pid ${gatePids.join(',')}), reached through Miniflare's dev registry`
          : '') +
        varsNote,
      workerdPids: routerPids,
      gatePids,
      routerUrl,
      entryUrl,
      admin: new AdminClient(routerUrl, opts.adminToken),
      startupSeconds: (performance.now() - started) / 1000,
      baseline: baselineUrl ? { url: baselineUrl } : undefined,
      bundlePath: scriptPath,
      inspectorUrl: opts.inspectorPort ? `ws://${HOST}:${opts.inspectorPort}/core:user:router` : undefined,
      gateProbe: probe
        ? async ({ name, hold, n }) => {
            const res = await probe.fetch(`http://gate-probe/?name=${encodeURIComponent(name)}&hold=${hold}&n=${n}`);
            const text = await res.text();
            if (!res.ok) throw new Error(`gate probe failed: ${res.status} ${text}`);
            return JSON.parse(text) as GateProbeResult;
          }
        : undefined,
      logLines: () => logCount,
      dead: () => (mf ? null : 'miniflare was disposed'),
      codeVersion: `bundle sha256 ${bundleHash} (built once at start${workerDir === REPO_ROOT ? '' : ` from ${workerDir}`})`,
      logTail: () => logs.slice(-60).join('\n'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
