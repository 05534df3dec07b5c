// What a scenario needs from a running router, whichever way it was started.

import type { AdminClient } from '../lib/admin-client.ts';
import type { GateProbeResult } from './probe-workers.ts';

export type HarnessName = 'miniflare' | 'wrangler';
export const HARNESS_NAMES: readonly HarnessName[] = ['miniflare', 'wrangler'];

export interface RuntimeBaseline {
  /** A worker in the same workerd answering a fixed body: `${url}/static`. */
  url: string;
}

export interface Harness {
  name: HarnessName;
  /** One line: how the router runs and what sits between the client and the worker. */
  description: string;
  routerUrl: string;
  admin: AdminClient;
  /** Seconds from start to ready. */
  startupSeconds: number;
  /** Miniflare only: the runtime baseline worker (static / pass-through / JSON re-encode). */
  baseline?: RuntimeBaseline;
  /** Miniflare only: the router again, through Miniflare's entry worker instead of a direct socket. */
  entryUrl?: string;
  /** Miniflare only: in-runtime timing of the gate's RPCs. */
  gateProbe?: (opts: { name: string; hold: number; n: number }) => Promise<GateProbeResult>;
  /** Miniflare only: the router's workerd process(es) (CPU is read per process). */
  workerdPids?: number[];
  /** Miniflare with the gate in its own process: that process. */
  gatePids?: number[];
  /** Miniflare only: the bundled worker (its source map sits next to it). */
  bundlePath?: string;
  /** Miniflare with --profile: the router isolate's DevTools inspector. */
  inspectorUrl?: string;
  /** Worker log lines seen so far (the router logs one line per request); null when not countable. */
  logLines(): number | null;
  /** The tail of the worker/wrangler output, for error reports. */
  logTail(): string;
  /** Why the harness is not serving any more (wrangler dev ended on its own), or null while it runs. */
  dead(): string | null;
  /** wrangler dev only: times it rebuilt and reloaded the worker since start (src/ changed under it). */
  reloads?(): number;
  /** What code runs: e.g. the bundle's sha256 (Miniflare), or "working tree, live" (wrangler dev). */
  codeVersion: string;
  stop(): Promise<void>;
}
