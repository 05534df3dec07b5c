// One worker alone in a workerd process of its own (Miniflare, direct socket), for the
// comparison section's peers: the bare Worker that only fetch()es the origin, and Portkey's
// gateway bundled for workerd. Every worker in the comparison has its own process, so each
// one's CPU is read from its own process.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as MiniflareModule from 'miniflare';
import { onCleanup } from './cleanup.ts';
import { newWorkerdPids, workerdPidsNow } from './harness-miniflare.ts';
import { miniflareEntry } from './wrangler-cli.ts';

const HOST = '127.0.0.1';

export interface PeerWorker {
  url: string;
  workerdPids: number[];
  logTail(): string;
  stop(): Promise<void>;
}

export interface PeerWorkerOptions {
  name: string;
  /** An ES module's text, or the path of a bundled entry module (its directory is the modules root). */
  contents?: string;
  scriptPath?: string;
  compatibilityDate: string;
  compatibilityFlags?: string[];
  bindings?: Record<string, string>;
}

export async function startPeerWorker(o: PeerWorkerOptions): Promise<PeerWorker> {
  const { Miniflare, convertV4MiniflareOptions } = (await import(
    pathToFileURL(miniflareEntry()).href
  )) as typeof MiniflareModule;
  const logs: string[] = [];
  const root = o.scriptPath ? path.dirname(o.scriptPath) : path.join(process.cwd(), '.peer');
  const modules = o.scriptPath
    ? { modulesRoot: root, modules: true, scriptPath: o.scriptPath }
    : {
        modulesRoot: root,
        modules: [{ type: 'ESModule', path: path.join(root, `${o.name}.mjs`), contents: o.contents }],
      };
  const v4 = {
    host: HOST,
    port: 0,
    cf: false,
    enableDevRegistry: false,
    handleStructuredLogs: (log: { level: string; message: string }) => {
      logs.push(`${log.level}: ${log.message}`);
      if (logs.length > 200) logs.shift();
    },
    workers: [
      {
        name: o.name,
        ...modules,
        compatibilityDate: o.compatibilityDate,
        compatibilityFlags: o.compatibilityFlags ?? [],
        bindings: o.bindings ?? {},
        unsafeDirectSockets: [{ host: HOST, port: 0 }],
      },
    ],
  };
  const before = workerdPidsNow();
  let mf: MiniflareModule.Miniflare | null = new Miniflare(
    convertV4MiniflareOptions(v4 as unknown as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  const stop = onCleanup(o.name, async () => {
    await mf?.dispose();
    mf = null;
  });
  try {
    await mf.ready;
    const url = (await mf.unsafeGetDirectURL(o.name)).href.replace(/\/$/, '');
    return { url, workerdPids: newWorkerdPids(before), logTail: () => logs.slice(-40).join('\n'), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
