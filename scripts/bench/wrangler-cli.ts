// Where wrangler and the Miniflare it depends on live, and bundling the worker with
// `wrangler deploy --dry-run` (offline, the same esbuild bundle a deploy would upload).

import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../lib/stack.ts';
import { runNode } from './child-process.ts';

const rootRequire = createRequire(path.join(REPO_ROOT, 'package.json'));
const wranglerPkgPath = rootRequire.resolve('wrangler/package.json');
const wranglerRequire = createRequire(wranglerPkgPath);

interface PackageJson {
  version: string;
  bin?: Record<string, string>;
}

export function wranglerPackage(): PackageJson {
  return wranglerRequire(wranglerPkgPath) as PackageJson;
}

export function wranglerBin(): string {
  return path.resolve(path.dirname(wranglerPkgPath), wranglerPackage().bin?.wrangler ?? 'bin/wrangler.js');
}

/** Path of the miniflare package wrangler itself resolves (not necessarily the hoisted one). */
export function miniflareEntry(): string {
  return wranglerRequire.resolve('miniflare');
}

export function miniflareVersion(): string {
  const entry = miniflareEntry();
  const pkg = path.join(
    entry.slice(0, entry.lastIndexOf(`${path.sep}miniflare${path.sep}`)),
    'miniflare',
    'package.json',
  );
  return (wranglerRequire(pkg) as PackageJson).version;
}

export function workerdVersion(): string {
  const miniflareRequire = createRequire(miniflareEntry());
  try {
    return (miniflareRequire('workerd/package.json') as PackageJson).version;
  } catch {
    return 'unknown';
  }
}

/** Bundles the worker of `workerDir` (its wrangler.toml) as `wrangler deploy` would, into `outdir`; returns the entry module path. */
export async function bundleWorker(outdir: string, workerDir = REPO_ROOT): Promise<string> {
  await runNode([wranglerBin(), 'deploy', '--dry-run', '--outdir', outdir], workerDir);
  return path.join(outdir, 'index.js');
}
