// `npm run dev` as a newcomer runs it, on free ports and a fresh state dir: the banner's
// export lines feed the README's snippets, which must run as written; origins are probed
// at start; SIGTERM to the npm process stops the whole stack; a restart keeps the dev key.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../scripts/lib/admin-client.ts';
import { freePort, REPO_ROOT } from '../../scripts/lib/stack.ts';
import { signalGroup, sleep } from '../../scripts/lib/process-group.ts';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The body of the first fenced block of a language whose text contains `marker`. */
function readmeBlock(lang: string, marker: string): string {
  const blocks = [...README.matchAll(/```(\w*)\n([\s\S]*?)```/g)].filter(
    (m) => m[1] === lang && m[2]!.includes(marker),
  );
  if (!blocks[0]) throw new Error(`README has no \`\`\`${lang} block containing ${marker}`);
  return blocks[0][2]!;
}

interface DevRun {
  child: ChildProcess;
  output: () => string;
  /** The banner's `export NAME=value` lines. */
  exports: Record<string, string>;
  exited: Promise<number | null>;
}

/** `npm run dev -- …` with the test's own ports and state dir; resolves once the banner is out. */
async function startDev(ports: { router: number; origin: number }, persistDir: string): Promise<DevRun> {
  const child = spawn(
    'npm',
    [
      'run',
      'dev',
      '--',
      '--port',
      String(ports.router),
      '--origin-port',
      String(ports.origin),
      '--persist-to',
      persistDir,
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own group only so that a failed test can clean up; the test signals npm's pid alone.
      detached: true,
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  started.push(child);
  const deadline = Date.now() + 150_000;
  while (!/^─+\n$/m.test(out.split('export EDGE_ROUTER_ADMIN_TOKEN=')[1] ?? '')) {
    if (child.exitCode !== null) throw new Error(`npm run dev exited (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) throw new Error(`no banner from npm run dev:\n${out}`);
    await sleep(200);
  }
  const exports = Object.fromEntries([...out.matchAll(/^\s*export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { child, output: () => out, exports, exited };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  cwd = REPO_ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const started: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const child of started) if (child.pid && child.exitCode === null) signalGroup(child.pid, 'SIGKILL');
  for (const fn of cleanups) await fn();
});

describe('npm run dev, as the README tells a newcomer', () => {
  it('prints what the README reads, probes its origins, stops on SIGTERM to npm, and keeps its dev key', async () => {
    const persistDir = await mkdtemp(path.join(os.tmpdir(), 'edge-router-dev-'));
    cleanups.push(() => rm(persistDir, { recursive: true, force: true }));
    const ports = { router: await freePort(), origin: await freePort() };
    const dev = await startDev(ports, persistDir);
    const base = `http://127.0.0.1:${ports.router}`;

    // The banner: export lines, the docs and the console's URLs.
    expect(dev.exports.EDGE_ROUTER_URL).toBe(base);
    expect(dev.exports.EDGE_ROUTER_API_KEY).toMatch(/^sk-/);
    expect(dev.output()).toContain(`${base}/docs`);
    const consoleServed = (await fetch(`${base}/`)).headers.get('content-type')?.includes('text/html') ?? false;
    expect(dev.output().includes(`console     ${base}/`)).toBe(consoleServed);

    // The admin token: what .dev.vars says, else the default, which is also .dev.vars.example's and the README's.
    const devVars = path.join(REPO_ROOT, '.dev.vars');
    const example = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(path.join(REPO_ROOT, '.dev.vars.example'), 'utf8'))?.[1];
    const cliBlock = readmeBlock('sh', 'npx edge-router endpoint create');
    const readmeToken = /^export EDGE_ROUTER_ADMIN_TOKEN=(\S+)/m.exec(cliBlock)?.[1];
    expect(readmeToken).toBe(example);
    if (!existsSync(devVars)) expect(dev.exports.EDGE_ROUTER_ADMIN_TOKEN).toBe(readmeToken);
    const token = dev.exports.EDGE_ROUTER_ADMIN_TOKEN!;
    const admin = new AdminClient(base, token);

    // Origins were probed at start: no origin of the demo endpoints is `unknown`.
    for (const name of ['demo', 'demo-embeddings']) {
      const info = (await admin.getEndpoint(name)) as unknown as {
        state: string;
        origin_health: Array<{ healthy: boolean | null; checked_at: string | null }>;
      };
      expect(info.state).toBe('ready');
      expect(info.origin_health.length).toBeGreaterThan(0);
      expect(info.origin_health.every((h) => h.healthy === true && h.checked_at !== null)).toBe(true);
    }

    // The README's SDK snippet, as written, with the banner's exports.
    const snippet = path.join(REPO_ROOT, '.wrangler', `readme-hi-${process.pid}.mjs`);
    cleanups.push(() => rm(snippet, { force: true }));
    await writeFile(snippet, readmeBlock('js', "from 'openai'"));
    const hi = await run(process.execPath, [snippet], dev.exports);
    expect(hi.stderr).toBe('');
    expect(hi.code).toBe(0);
    expect(hi.stdout.trim().length).toBeGreaterThan(0);

    // The README's CLI session, as written but for the router's port (this stack's, not 8787).
    const session = cliBlock
      .replaceAll('http://127.0.0.1:8787', base)
      .replace(/^export EDGE_ROUTER_ADMIN_TOKEN=\S+/m, `export EDGE_ROUTER_ADMIN_TOKEN=${token}`);
    const cli = await run('bash', ['-euo', 'pipefail', '-c', session], {});
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain("Created endpoint 'chat'");
    expect(cli.stdout).toContain('Revoked API key');

    // SIGTERM to the npm process (not its group) stops wrangler, workerd and the emulator.
    process.kill(dev.child.pid!, 'SIGTERM');
    const code = await Promise.race([dev.exited, sleep(30_000).then(() => 'still running')]);
    expect(code, dev.output().slice(-2000)).not.toBe('still running');
    for (let i = 0; i < 50 && ((await portOpen(ports.router)) || (await portOpen(ports.origin))); i++) await sleep(200);
    expect(await portOpen(ports.router)).toBe(false);
    expect(await portOpen(ports.origin)).toBe(false);

    // A restart on the same state keeps the dev key: no new key each time.
    const again = await startDev(ports, persistDir);
    expect(again.exports.EDGE_ROUTER_API_KEY).toBe(dev.exports.EDGE_ROUTER_API_KEY);
    expect(again.output()).toContain('kept from the last start');
    const keys = await new AdminClient(base, token).listKeys();
    expect(keys.filter((k) => k.status === 'active' && k.description === 'npm run dev')).toHaveLength(1);

    process.kill(again.child.pid!, 'SIGINT');
    expect(await Promise.race([again.exited, sleep(30_000).then(() => 'still running')])).not.toBe('still running');
  }, 400_000);
});
