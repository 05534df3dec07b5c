// What the figures were measured on, and with what.

import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { REPO_ROOT } from '../lib/stack.ts';
import { miniflareVersion, workerdVersion, wranglerPackage } from './wrangler-cli.ts';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  wrangler: string;
  miniflare: string;
  workerd: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    wrangler: wranglerPackage().version,
    miniflare: miniflareVersion(),
    workerd: workerdVersion(),
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** The command as a user would type it. */
export function commandLine(): string {
  const args = process.argv.slice(2);
  if (process.env.npm_lifecycle_event === 'bench') return `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
  return `node scripts/bench.ts${args.length ? ` ${args.join(' ')}` : ''}`;
}

/** HEAD and working-tree state, read-only (`git rev-parse`, `git status --porcelain`); null without git. */
export function gitState(): { head: string; dirty: boolean; changedFiles: number } | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations', 'wrangler.toml'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const changed = status.split('\n').filter((l) => l.trim() !== '').length;
    return { head, dirty: changed > 0, changedFiles: changed };
  } catch {
    return null;
  }
}
