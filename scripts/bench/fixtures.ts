// What every section sends: endpoints on the emulator, API keys, the request bodies, and
// one HTTP target per destination. The direct baseline sends the same body (with the
// origin's model id) to the same emulator the router's endpoint points at.

import type { AdminClient, CreatedKey } from '../lib/admin-client.ts';
import type { Harness } from './harness.ts';
import { closeTarget, makeTarget, type RequestSpec, type Target } from './http-client.ts';

export const CHAT_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
export const CHAT_PATH = '/v1/chat/completions';
/** Origin modes: no delay between tokens (latency, throughput) and a fixed one (SSE gaps). */
export const FAST_MODE = 'normal/0';
export const slowMode = (gapMs: number) => `slow/${gapMs}`;
/**
 * Long streams that hold a lease: one token every 2 s (13 tokens, ~26 s). The router only
 * notices a client that left when it next writes to it, so held streams must keep writing
 * for their release on disconnect to be measurable.
 */
export const HOLD_MODE = 'slow/2000';
/** Headers, one event, then silence until the client leaves (a lease nobody writes to). */
export const SILENT_MODE = 'stall/1';

export const EP_FAST = 'bench-fast';
export const EP_SLOW = 'bench-slow';
/** Endpoints whose names the bench's emulator also serves the chat model under. */
export const SERVED_ENDPOINTS = [EP_FAST, EP_SLOW];
export const EP_HOLD = 'bench-hold';
export const EP_SILENT = 'bench-silent';
/** A Llama Guard endpoint (the emulator's Llama Guard mode, answering at once) and an endpoint whose prompts it checks. */
export const EP_GUARD = 'bench-guard';
export const EP_GUARDED = 'bench-guarded';
export const GUARD_MODEL = 'meta-llama/Llama-Guard-3-8B';

const PROMPT = 'Benchmark the router: answer this short question in a few words, please.';

export function chatBody(model: string, stream: boolean): Buffer {
  return Buffer.from(
    JSON.stringify({
      model,
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: 16,
      ...(stream ? { stream: true } : {}),
    }),
  );
}

export interface Fixtures {
  harness: Harness;
  mainKey: CreatedKey;
  /** A key with concurrency_limit 1: with one stream held open, every request on it is refused by the gate (429). */
  tightKey: CreatedKey;
  originUrl: string;
  targets: {
    originFast: Target;
    originSlow: Target;
    router: Target;
    /** Held streams and one-off requests use their own sockets. */
    routerEntry?: Target;
    baseline?: Target;
  };
  /** Router request for endpoint `ep` (non-stream unless `stream`), authorised by `key`. */
  routerSpec(ep: string, key: string, stream?: boolean): RequestSpec;
  /** The same request sent straight to the emulator. */
  directSpec(stream?: boolean): RequestSpec;
  close(): void;
}

async function ensureEndpoint(
  admin: AdminClient,
  name: string,
  url: string,
  extra: Record<string, unknown> = {},
  entity: { model?: string } = {},
): Promise<void> {
  await admin.createEndpoint({
    name,
    description: `bench: emulator ${url}`,
    served_entities: [
      { name: `${name}-entity`, protocol: 'openai', model: entity.model ?? CHAT_MODEL, origins: [{ url }] },
    ],
    ...extra,
  });
}

/**
 * `renamed`: the fast and slow endpoints' entities name the model by the emulator's id (CHAT_MODEL), so the
 * router renames `model` in every answer and re-frames streams event by event; by default they name it as the
 * endpoint (the emulator serves SERVED_ENDPOINTS too), so a stream whose client asks for usage passes through.
 */
export async function setupFixtures(
  harness: Harness,
  originUrl: string,
  gapMs: number,
  opts: { renamed?: boolean } = {},
): Promise<Fixtures> {
  const admin = harness.admin;
  const model = (ep: string) => ({ model: opts.renamed ? CHAT_MODEL : ep });
  await ensureEndpoint(admin, EP_FAST, `${originUrl}/mode/${FAST_MODE}`, {}, model(EP_FAST));
  await ensureEndpoint(admin, EP_SLOW, `${originUrl}/mode/${slowMode(gapMs)}`, {}, model(EP_SLOW));
  await ensureEndpoint(admin, EP_HOLD, `${originUrl}/mode/${HOLD_MODE}`);
  await ensureEndpoint(admin, EP_SILENT, `${originUrl}/mode/${SILENT_MODE}`, {
    timeouts: { first_byte_ms: 600_000, idle_ms: 600_000, total_ms: 3_600_000 },
  });
  await admin.createEndpoint({
    name: EP_GUARD,
    description: 'bench: Llama Guard on the emulator',
    served_entities: [
      {
        name: `${EP_GUARD}-entity`,
        protocol: 'openai',
        model: GUARD_MODEL,
        origins: [{ url: `${originUrl}/mode/${FAST_MODE}` }],
      },
    ],
  });
  await ensureEndpoint(admin, EP_GUARDED, `${originUrl}/mode/${FAST_MODE}`, {
    guardrails: { input: { endpoint: EP_GUARD, action: 'block', on_error: 'fail_closed' } },
  });
  const mainKey = await admin.createKey({ description: 'bench main key', concurrency_limit: 10_000 });
  const tightKey = await admin.createKey({ description: 'bench key at its limit', concurrency_limit: 1 });
  const body = {
    fast: chatBody(EP_FAST, false),
    fastStream: chatBody(EP_FAST, true),
    direct: chatBody(CHAT_MODEL, false),
    directStream: chatBody(CHAT_MODEL, true),
  };
  const targets: Fixtures['targets'] = {
    originFast: makeTarget('origin', `${originUrl}/mode/${FAST_MODE}`),
    originSlow: makeTarget('origin-slow', `${originUrl}/mode/${slowMode(gapMs)}`),
    router: makeTarget('router', harness.routerUrl),
    routerEntry: harness.entryUrl ? makeTarget('router-entry', harness.entryUrl) : undefined,
    baseline: harness.baseline ? makeTarget('baseline', harness.baseline.url) : undefined,
  };
  return {
    harness,
    mainKey,
    tightKey,
    originUrl,
    targets,
    routerSpec: (ep, key, stream = false) => ({
      path: CHAT_PATH,
      headers: { authorization: `Bearer ${key}` },
      body: ep === EP_FAST ? (stream ? body.fastStream : body.fast) : chatBody(ep, stream),
    }),
    directSpec: (stream = false) => ({ path: CHAT_PATH, body: stream ? body.directStream : body.direct }),
    close: () => {
      for (const t of Object.values(targets)) if (t) closeTarget(t);
    },
  };
}

/** Creates `n` keys, a few at a time. */
export async function createKeys(admin: AdminClient, n: number, concurrencyLimit: number): Promise<CreatedKey[]> {
  const keys: CreatedKey[] = new Array<CreatedKey>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      keys[i] = await admin.createKey({ description: `bench scaling key ${i}`, concurrency_limit: concurrencyLimit });
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, n) }, worker));
  return keys;
}

/** `gate;dur=1.00, origin;dur=3` → { gate: 1, origin: 3 }. */
export function parseServerTiming(header: string | undefined): { gate: number; origin: number } | null {
  if (!header) return null;
  const gate = /gate;dur=([\d.]+)/.exec(header);
  const origin = /origin;dur=([\d.]+)/.exec(header);
  if (!gate) return null;
  return { gate: Number(gate[1]), origin: origin ? Number(origin[1]) : NaN };
}
