// The router under `wrangler dev` (scripts/lib/stack.ts), as a developer runs it: the
// client talks to wrangler's proxy worker, which forwards to the router's workerd.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startStack } from '../lib/stack.ts';
import { onCleanup } from './cleanup.ts';
import type { Harness } from './harness.ts';

export async function startWranglerHarness(opts: { adminToken: string }): Promise<Harness> {
  const started = performance.now();
  // Our own persist dir, registered for cleanup before wrangler starts: a Ctrl-C during
  // startup (before startStack returns its stop()) still removes it.
  const persistDir = await mkdtemp(path.join(os.tmpdir(), 'edge-llm-router-bench-wrangler-'));
  const removeDir = onCleanup('wrangler dev persist dir', () => rm(persistDir, { recursive: true, force: true }));
  let stack;
  try {
    stack = await startStack({ quiet: true, adminToken: opts.adminToken, persistDir });
  } catch (err) {
    await removeDir();
    throw err;
  }
  let stopping = false;
  let ended: string | null = null;
  void stack.exited.then((how) => {
    if (!stopping) ended = `wrangler dev ended on its own (${how})`;
  });
  const stopStack = onCleanup('wrangler dev', () => {
    stopping = true;
    return stack.stop();
  });
  const stop = async () => {
    await stopStack();
    await removeDir();
  };
  // wrangler dev watches src/ and rebuilds on every change: a run that spans a rebuild mixes two versions.
  const reloads = () =>
    stack
      .logs()
      .split('\n')
      .filter((l) => l.includes('Local server updated')).length;
  return {
    name: 'wrangler',
    description: `wrangler dev (proxy worker in front of the router's workerd) at ${stack.routerUrl}`,
    routerUrl: stack.routerUrl,
    admin: stack.admin,
    startupSeconds: (performance.now() - started) / 1000,
    // stack.ts keeps only the last lines of wrangler's output: no total to report.
    logLines: () => null,
    reloads,
    dead: () => ended,
    codeVersion: 'working tree, rebuilt by wrangler dev on change',
    logTail: () => stack.logs().split('\n').slice(-60).join('\n'),
    stop,
  };
}
