// The origin emulator (test/origin/server.ts) in a child process of its own, so that the
// load generator and the origin do not share one event loop (they would otherwise
// slow each other down at high concurrency and blur the direct baseline).

import path from 'node:path';
import { freePort, REPO_ROOT } from '../lib/stack.ts';
import { spawnGroup } from './child-process.ts';

export interface OriginProcess {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** `servedNames`: more names the chat model answers to (vLLM's --served-model-name). */
export async function startOriginProcess(servedNames: string[] = []): Promise<OriginProcess> {
  const port = await freePort();
  const served = servedNames.length ? ['--served-model-name', servedNames.join(',')] : [];
  const proc = spawnGroup(
    'origin emulator',
    [path.join(REPO_ROOT, 'test/origin/server.ts'), '--port', String(port), '--host', '127.0.0.1', ...served],
    REPO_ROOT,
  );
  try {
    const m = await proc.waitFor(/listening on (http:\/\/\S+)/, 15_000);
    return { url: m[1]!, pid: proc.child.pid, stop: proc.stop };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}
