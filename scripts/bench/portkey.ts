// Portkey's open-source AI gateway as a peer column in the comparison section, installed on
// demand (never a dependency of this project: it brings ~95 packages): `@portkey-ai/gateway`
// from the npm registry into a cache directory, the way scripts/node.mjs brings Node 22.
//
// - On Node: the package's own server (`build/start-server.js --port=N --headless`).
// - On workerd: its source at the same version, bundled by `wrangler deploy --dry-run` with its
//   own wrangler.toml. The npm package ships only the Node build, so the source must be in the
//   cache (`<cache>/src-v1.15.2`, a checkout of the v1.15.2 tag: see PORTKEY_SOURCE_HINT);
//   without it the workerd column says why it is empty.
//
// The package pins nothing: its range for @hono/node-server now resolves to a release whose
// Response keeps the upstream fetch's immutable headers, and Portkey's streaming answers then
// fail ("TypeError: immutable"). The cache's package.json overrides it with the release of
// Portkey's own lockfile (1.13.5).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../lib/stack.ts';
import { spawnGroup, type GroupChild } from './child-process.ts';
import { bundleWorker } from './wrangler-cli.ts';

export const PORTKEY_VERSION = '1.15.2';
const NODE_SERVER_PIN = '1.13.5';

export function portkeyCache(): string {
  return (
    process.env.PORTKEY_GATEWAY_CACHE ||
    path.join(os.homedir(), '.cache', 'edge-llm-router', `portkey-gateway-${PORTKEY_VERSION}`)
  );
}

export const PORTKEY_SOURCE_HINT = `git clone --depth 1 --branch v${PORTKEY_VERSION} https://github.com/Portkey-AI/gateway ${path.join(portkeyCache(), `src-v${PORTKEY_VERSION}`)}`;

function npmCommand(): { cmd: string; pre: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath && execPath.endsWith('.js')) return { cmd: process.execPath, pre: [execPath] };
  return { cmd: 'npm', pre: [] };
}

/** The installed package's Node entry, installing it into the cache once. Throws with npm's output. */
export function ensurePortkeyInstalled(log: (msg: string) => void): string {
  const cache = portkeyCache();
  const entry = path.join(cache, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  if (existsSync(entry)) return entry;
  log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} from the npm registry into ${cache}, once`);
  mkdirSync(cache, { recursive: true });
  writeFileSync(
    path.join(cache, 'package.json'),
    JSON.stringify(
      {
        private: true,
        dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION },
        overrides: { '@hono/node-server': NODE_SERVER_PIN },
      },
      null,
      2,
    ),
  );
  const npm = npmCommand();
  const r = spawnSync(
    npm.cmd,
    [...npm.pre, 'install', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts'],
    {
      cwd: cache,
      encoding: 'utf8',
    },
  );
  if (!existsSync(entry))
    throw new Error(
      `could not install @portkey-ai/gateway@${PORTKEY_VERSION} into ${cache}:\n${(r.stdout ?? '') + (r.stderr ?? '')}`.slice(
        0,
        4000,
      ),
    );
  return entry;
}

export interface PortkeyNode {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
  output(): string;
}

export async function startPortkeyNode(log: (msg: string) => void): Promise<PortkeyNode> {
  const entry = ensurePortkeyInstalled(log);
  const port = await freePort();
  const proc: GroupChild = spawnGroup(
    'portkey gateway (node)',
    [entry, `--port=${port}`, '--headless'],
    path.dirname(entry),
  );
  try {
    await proc.waitFor(/Ready for connections|running at/, 30_000);
    return { url: `http://127.0.0.1:${port}`, pid: proc.child.pid, stop: proc.stop, output: proc.output };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/**
 * Portkey bundled for workerd (cached next to its source), or the reason there is none.
 * The bundle resolves its packages from the cache's node_modules (the npm install above).
 */
export async function portkeyWorkerdBundle(
  log: (msg: string) => void,
): Promise<{ scriptPath: string } | { missing: string }> {
  const cache = portkeyCache();
  const src = path.join(cache, `src-v${PORTKEY_VERSION}`);
  if (!existsSync(path.join(src, 'src', 'index.ts')) || !existsSync(path.join(src, 'wrangler.toml'))) {
    return {
      missing: `Portkey's source is not in ${src} (the npm package holds only its Node build); to add the workerd column: ${PORTKEY_SOURCE_HINT}`,
    };
  }
  ensurePortkeyInstalled(log);
  const out = path.join(cache, 'workerd-bundle');
  const scriptPath = path.join(out, 'index.js');
  if (!existsSync(scriptPath)) {
    if (!existsSync(path.join(src, 'node_modules')))
      symlinkSync(path.join(cache, 'node_modules'), path.join(src, 'node_modules'), 'dir');
    log(`bundling Portkey ${PORTKEY_VERSION} for workerd (wrangler deploy --dry-run), once`);
    await bundleWorker(out, src);
  }
  return { scriptPath };
}

/** The headers that make Portkey forward an OpenAI chat request to `baseUrl` (the emulator's `/v1`). */
export function portkeyHeaders(baseUrl: string): Record<string, string> {
  return { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': baseUrl, authorization: 'Bearer bench-unused' };
}
