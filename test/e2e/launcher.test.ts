// The launcher (scripts/launch.mjs) under a Node too old to run .ts files: Node 20, what
// these machines ship as /usr/bin/node. It must say so in one line, bring Node 22 (from
// the shared cache, or from the npm registry into an empty cache) and run the command.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/stack.ts';
// @ts-expect-error -- plain JavaScript (it must run on Node 18), without type declarations
import { isCommonJs, newEnough, nodePackage, resolveTarget } from '../../scripts/launch.mjs';

/** A Node binary older than 22.18 on this machine, if there is one. */
function oldNode(): { bin: string; version: string } | null {
  for (const bin of [process.env.OLD_NODE, '/usr/bin/node', '/usr/local/bin/node'].filter(Boolean) as string[]) {
    if (!existsSync(bin)) continue;
    const version = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    if (version && !(newEnough as (v: string) => boolean)(version)) return { bin, version };
  }
  return null;
}

const old = oldNode();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with only the old Node's directory (and the system's) on PATH: no Node 22 anywhere. */
function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const dirs = [path.dirname(old!.bin), '/usr/bin', '/bin'];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: REPO_ROOT,
      env: { HOME: os.homedir(), PATH: [...new Set(dirs)].join(path.delimiter), NO_COLOR: '1', ...env },
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

const launcherLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('edge-llm-router:'));

describe.skipIf(!old)(`launcher under an old Node (${old?.version ?? 'none on this machine'})`, () => {
  it('tells the version in one line and runs the CLI with the cached Node 22', async () => {
    const r = await run(old!.bin, ['scripts/node.mjs', 'scripts/cli/main.ts', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: edge-router');
    const lines = launcherLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^edge-llm-router: Node ${old!.version.replace(/\./g, '\\.')} cannot run \\.ts files \\(needs 22\\.18\\+\\); (using|installing)`,
      ),
    );
  });

  it('runs the npm scripts and the bin the README names: npm test, npx edge-router', async () => {
    const npm = path.join(path.dirname(old!.bin), 'npm');
    const test = await run(npm, ['test', '--', '--help']);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/vitest\/\d+/);
    expect(launcherLines(test.stderr)).toHaveLength(1);

    const npx = path.join(path.dirname(old!.bin), 'npx');
    const cli = await run(npx, ['--no-install', 'edge-router', 'key', '--help']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('edge-router key');
    expect(launcherLines(cli.stderr)).toHaveLength(1);
  });

  it('installs Node 22 from the npm registry into an empty cache, once', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'edge-router-node-cache-'));
    try {
      // prefer-offline: npm's own cache serves the tarball when it has it (CI machines fetch it once).
      const env = { EDGE_ROUTER_NODE_CACHE: cache, npm_config_prefer_offline: 'true' };
      const first = await run(old!.bin, ['scripts/node.mjs', '--bin-dir'], env);
      expect(first.code, first.stderr).toBe(0);
      expect(launcherLines(first.stderr)).toEqual([
        expect.stringContaining(`installing ${nodePackage() as string}@22 from the npm registry into ${cache}`),
      ]);
      const bin = path.join(first.stdout.trim(), process.platform === 'win32' ? 'node.exe' : 'node');
      const version = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
      expect((newEnough as (v: string) => boolean)(version)).toBe(true);

      const second = await run(old!.bin, ['scripts/node.mjs', 'scripts/cli/main.ts', '--help'], env);
      expect(second.code, second.stderr).toBe(0);
      expect(launcherLines(second.stderr)).toEqual([expect.stringContaining(`using Node ${version} from ${cache}`)]);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('launcher under a Node that runs .ts files', () => {
  it('runs the script in its own process, silently', async () => {
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, ['scripts/node.mjs', 'scripts/cli/main.ts', '--help'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: edge-router');
  });

  it('runs a CommonJS bin that starts only as the main module (wrangler), and mirrors its exit status', async () => {
    // wrangler's bin/wrangler.js runs only `if (module === require.main)`: imported, it did nothing and exited 0,
    // so `npm run types -- --check` (in `npm run typecheck`) and `npm run db:migrate` silently did nothing.
    const version = spawnSync(process.execPath, ['scripts/node.mjs', 'wrangler', '--version'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/\d+\.\d+\.\d+/);

    const wrong = spawnSync(process.execPath, ['scripts/node.mjs', 'wrangler', 'no-such-command'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    });
    expect(wrong.status).not.toBe(0);
  });

  it('tells CommonJS bins from ES modules', () => {
    const cjs = isCommonJs as (file: string) => boolean;
    const bin = (name: string) => (resolveTarget as (target: string) => string)(name);
    expect(cjs(bin('wrangler'))).toBe(true);
    expect(cjs(bin('vitest'))).toBe(false);
    expect(cjs(path.join(REPO_ROOT, 'scripts', 'dev.ts'))).toBe(false);
    expect(cjs(path.join(REPO_ROOT, 'scripts', 'launch.mjs'))).toBe(false);
  });

  it('knows which versions run .ts files', () => {
    const ok = newEnough as (v: string) => boolean;
    expect(['22.18.0', 'v22.18.0', '22.23.5', '23.0.0', '24.1.0'].map(ok)).toEqual([true, true, true, true, true]);
    expect(['18.20.4', '20.20.2', '22.12.0', '22.17.1', 'v21.9.0'].map(ok)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
