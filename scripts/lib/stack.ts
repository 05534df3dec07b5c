// The local stack: the origin emulator (in-process), the D1 migrations and `wrangler dev`
// running the router against them. Used by `npm run dev` and the end-to-end suite.
//
// wrangler runs in its own process group (it spawns workerd children); stop() signals the
// whole group, so no workerd is left behind, and an exit hook does the same if the
// launching process ends without calling stop().

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startOrigin } from '../../test/origin/server.ts';
import { buildConsole } from '../build-console.ts';
import { AdminClient } from './admin-client.ts';
import { childEnv, signalGroup, sleep } from './process-group.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface StackOptions {
  /** Router port; a free one is picked when absent. */
  routerPort?: number;
  /** Emulator port; a free one is picked when absent. */
  originPort?: number;
  /** wrangler's --persist-to directory. Absent = a fresh temp dir, deleted on stop(). */
  persistDir?: string;
  /** Admin token given to the worker with --var; a random one when absent. */
  adminToken?: string;
  /** More worker vars (`--var K:V`). */
  vars?: Record<string, string>;
  /**
   * Worker secrets (external models' API keys), written to a private env file in a temp
   * dir given to wrangler with --env-file (wrangler shows their names, never their values).
   */
  secrets?: Record<string, string>;
  /** Keep wrangler's output to the log buffer instead of echoing it. */
  quiet?: boolean;
  /** How long to wait for /healthz (default 60 s). */
  readyTimeoutMs?: number;
  /** More names the emulator serves its chat model under (vLLM's `--served-model-name`). */
  servedModelNames?: string[];
  /** Serve wrangler's `/__scheduled` route, which runs the Cron Trigger's handler on demand (dev only). */
  testScheduled?: boolean;
}

export type OriginHandle = Awaited<ReturnType<typeof startOrigin>>;

export interface Stack {
  routerUrl: string;
  originUrl: string;
  adminToken: string;
  persistDir: string;
  admin: AdminClient;
  origin: OriginHandle;
  /** wrangler's recent output (stdout and stderr), newest last. */
  logs(): string;
  /** Settles when `wrangler dev` ends, whether by stop() or on its own; gives how it ended. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

const LOG_LINES = 4000;
const HOST = '127.0.0.1';

/** The wrangler CLI entry, run with this very node binary (same as `npx wrangler`, minus npm). */
function wranglerBin(): string {
  const require = createRequire(path.join(REPO_ROOT, 'package.json'));
  const pkgPath = require.resolve('wrangler/package.json');
  const pkg = require(pkgPath) as { bin: Record<string, string> };
  return path.resolve(path.dirname(pkgPath), pkg.bin.wrangler ?? 'bin/wrangler.js');
}

/** A port free right now on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `${what} port ${port} on ${HOST} is not available (${err.code ?? err.message}); is another stack running?`,
        ),
      ),
    );
    server.listen(port, HOST, () => server.close(() => resolve()));
  });
}

class LogBuffer {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly echo: ((line: string) => void) | null;

  constructor(echo: ((line: string) => void) | null) {
    this.echo = echo;
  }

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > LOG_LINES) this.lines.splice(0, this.lines.length - LOG_LINES);
    this.echo?.(line);
  }

  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join('\n');
  }

  tail(n: number): string {
    return this.text().split('\n').slice(-n).join('\n');
  }
}

/** Runs a command to its end; rejects with its output on a non-zero exit. */
function run(args: string[], log: LogBuffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out = new LogBuffer(null);
    child.stdout.on('data', (d: Buffer) => (out.push(d), log.push(d)));
    child.stderr.on('data', (d: Buffer) => (out.push(d), log.push(d)));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(new Error(`wrangler ${args.slice(1).join(' ')} failed (${signal ?? `exit ${code}`}):\n${out.text()}`));
    });
  });
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!signalGroup(pid, 'SIGTERM')) return;
  await Promise.race([exited, sleep(5_000)]);
  // wrangler's workerd children share the group: wait for them too, then force.
  for (let i = 0; i < 20 && signalGroup(pid, 0); i++) await sleep(100);
  if (signalGroup(pid, 'SIGKILL')) {
    for (let i = 0; i < 20 && signalGroup(pid, 0); i++) await sleep(100);
  }
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: string | null = null;
  child.once('exit', (code, signal) => (exit = signal ?? `exit code ${code}`));
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exit !== null) throw new Error(`wrangler dev ended before it was ready (${exit})`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev was not healthy at ${url}/healthz within ${timeoutMs} ms (last: ${last})`);
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const quiet = opts.quiet ?? false;
  const log = new LogBuffer(quiet ? null : (line) => process.stdout.write(`[wrangler] ${line}\n`));
  const adminToken = opts.adminToken ?? `e2e-admin-${crypto.randomUUID()}`;
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };

  try {
    if (opts.originPort !== undefined) await assertPortFree(opts.originPort, 'Emulator');
    const origin = await startOrigin({
      port: opts.originPort ?? 0,
      host: HOST,
      servedNames: opts.servedModelNames,
    });
    cleanups.push(() => origin.close());

    let persistDir = opts.persistDir;
    if (persistDir === undefined) {
      const tmp = await mkdtemp(path.join(os.tmpdir(), 'edge-llm-router-'));
      persistDir = tmp;
      cleanups.push(() => rm(tmp, { recursive: true, force: true }));
    } else {
      persistDir = path.resolve(REPO_ROOT, persistDir);
    }

    // wrangler reads the `[assets]` directory before it runs the `[build]` command: build it first.
    await buildConsole();
    const bin = wranglerBin();
    await run([bin, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir], log);

    let routerPort = opts.routerPort;
    if (routerPort !== undefined) await assertPortFree(routerPort, 'Router');
    else routerPort = await freePort();

    const vars = { ...opts.vars, ADMIN_TOKEN: adminToken };
    const envFileArgs: string[] = [];
    if (opts.secrets && Object.keys(opts.secrets).length) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'edge-llm-router-secrets-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const file = path.join(dir, '.dev.vars');
      await writeFile(
        file,
        Object.entries(opts.secrets)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join('\n') + '\n',
        { mode: 0o600 },
      );
      envFileArgs.push('--env-file', file);
    }
    const args = [
      bin,
      'dev',
      '--ip',
      HOST,
      '--port',
      String(routerPort),
      '--inspector-port',
      '0',
      '--persist-to',
      persistDir,
      '--show-interactive-dev-session=false',
      ...(opts.testScheduled ? ['--test-scheduled'] : []),
      ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
      ...envFileArgs,
    ];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: stop() signals wrangler and its workerd children together
    });
    child.stdout?.on('data', (d: Buffer) => log.push(d));
    child.stderr?.on('data', (d: Buffer) => log.push(d));
    const onExit = () => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    };
    process.once('exit', onExit);
    cleanups.push(async () => {
      process.removeListener('exit', onExit);
      await stopGroup(child);
    });
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)),
    );
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });

    const routerUrl = `http://${HOST}:${routerPort}`;
    try {
      await waitHealthy(routerUrl, child, opts.readyTimeoutMs ?? 60_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- wrangler output ---\n${log.tail(200)}`, { cause: err });
    }

    let stopped: Promise<void> | null = null;
    return {
      routerUrl,
      originUrl: origin.url,
      adminToken,
      persistDir,
      admin: new AdminClient(routerUrl, adminToken),
      origin,
      logs: () => log.text(),
      exited,
      stop: () => (stopped ??= cleanup()),
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
