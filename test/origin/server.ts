// Origin emulator: a vLLM- and TGI-shaped inference server with fault modes, for tests and local dev.
//
//   node test/origin/server.ts --port 9100 [--host 127.0.0.1] [--served-model-name a,b]
//
// `--served-model-name` adds names the chat model also answers to (vLLM's flag of that name),
// listed after the defaults: an endpoint of the router named as the origin's model needs no rename.
//
// Flavour: `/tgi` prefix (or TGI-only paths, or model "tgi" on /v1) → TGI; otherwise vLLM.
// Faults: `/mode/<name>[/<n>]` prefix or `x-emulator-mode` header (see modes.ts).
// Admin: GET /__stats, GET /__requests?id=<x-request-id>, POST /__switch?id=<n>&mode=<spec>, POST /__reset.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { execute } from './execute.ts';
import { isGuardRequest, llamaGuardRoute } from './llama-guard.ts';
import { anthropicRoute } from './anthropic-api.ts';
import { openaiApiRoute } from './openai-api.ts';
import { openaiRoute } from './openai-routes.ts';
import { DEFAULT_PROVIDER_KEYS, type ProviderKeys } from './provider-keys.ts';
import { json, text, type Plan, type RouteContext } from './plan.ts';
import { applyModelMode, chooseFlavor, parseJson, readBody, routeKey, target } from './request.ts';
import { applyTooLarge, parseModeSpec, Switches } from './modes.ts';
import { redactHeaders, StatsStore, type OriginStats } from './stats.ts';
import { tgiRoute } from './tgi-routes.ts';

export type { OriginStats, RecordedRequest } from './stats.ts';

export const DEFAULT_MODELS = ['meta-llama/Llama-3.1-8B-Instruct', 'tgi'];
export const DEFAULT_EMBEDDING_MODELS = ['BAAI/bge-small-en-v1.5'];
const TGI_PAYLOAD_LIMIT = 2_000_000;

export type OriginOptions = {
  port?: number;
  host?: string;
  models?: string[];
  /** More names the chat model is served under, after `models` (vLLM's `--served-model-name`). */
  servedNames?: string[];
  embeddingModels?: string[];
  providerKeys?: ProviderKeys;
};

export type Origin = {
  url: string;
  port: number;
  stats(): OriginStats;
  reset(): void;
  close(): Promise<void>;
};

type Env = {
  stats: StatsStore;
  switches: Switches;
  models: string[];
  embeddingModels: string[];
  providerKeys: ProviderKeys;
};

function sendNow(res: ServerResponse, plan: Plan): void {
  if (plan.kind !== 'body') return;
  res.writeHead(plan.status, { ...plan.headers, 'content-length': String(Buffer.byteLength(plan.body)) });
  res.end(plan.body);
}

async function handle(req: IncomingMessage, res: ServerResponse, env: Env): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://origin');
  const headerMode = req.headers['x-emulator-mode'];
  let t = target(url.pathname, Array.isArray(headerMode) ? headerMode[0] : headerMode);
  if (t.path === '/__stats' && method === 'GET') return sendNow(res, json(200, env.stats.snapshot()));
  if (t.path === '/__requests' && method === 'GET')
    return sendNow(res, json(200, env.stats.withRequestId(url.searchParams.get('id') ?? '')));
  if (t.path === '/__switch' && method === 'POST') {
    const mode = parseModeSpec(url.searchParams.get('mode') ?? '');
    const id = Number(url.searchParams.get('id'));
    if (typeof mode === 'string' || mode.name === 'switch' || !Number.isInteger(id)) {
      return sendNow(res, json(400, { error: 'POST /__switch?id=<integer>&mode=<mode spec other than switch>' }));
    }
    env.switches.set(id, mode);
    return sendNow(res, json(200, { id, mode: mode.label }));
  }
  if (t.path === '/__reset' && method === 'POST') {
    env.stats.reset();
    env.switches.clear();
    return sendNow(res, json(200, { ok: true }));
  }
  if (t.error) return sendNow(res, json(400, { error: t.error }));

  const raw = await readBody(req);
  const { body, jsonError } = parseJson(raw);
  t = applyModelMode(t, body);
  if (t.error) return sendNow(res, json(400, { error: t.error }));
  t = { ...t, mode: applyTooLarge(env.switches.resolve(t.mode), raw) };
  const flavor = chooseFlavor(t.prefixFlavor, method, t.path, body);
  const headers = redactHeaders(req.headers);
  const ctx: RouteContext = {
    method,
    path: t.path,
    headers,
    rawBody: raw,
    body,
    jsonError,
    models: env.models,
    embeddingModels: env.embeddingModels,
    inFlight: env.stats.inFlight(),
    providerKeys: env.providerKeys,
    rawAuthorization: firstHeader(req.headers.authorization),
    rawApiKey: firstHeader(req.headers['x-api-key']),
  };
  const tracker = env.stats.begin({
    method,
    path: url.pathname,
    route: routeKey(method, t.path, flavor),
    flavor,
    mode: t.mode.label,
    headers,
    body: body ?? null,
  });
  const plan = isGuardRequest(t.guardPrefix, flavor, t.path, body)
    ? llamaGuardRoute(ctx, flavor)
    : flavor === 'tgi'
      ? raw.length > TGI_PAYLOAD_LIMIT
        ? text(413, 'Failed to buffer the request body: length limit exceeded')
        : tgiRoute(ctx)
      : flavor === 'openai'
        ? openaiApiRoute(ctx)
        : flavor === 'anthropic'
          ? anthropicRoute(ctx)
          : openaiRoute(ctx);
  await execute(req, res, tracker, plan, t.mode, flavor);
}

export async function startOrigin(opts: OriginOptions = {}): Promise<Origin> {
  const env: Env = {
    stats: new StatsStore(),
    switches: new Switches(),
    models: [...(opts.models ?? DEFAULT_MODELS), ...(opts.servedNames ?? [])],
    embeddingModels: opts.embeddingModels ?? DEFAULT_EMBEDDING_MODELS,
    providerKeys: opts.providerKeys ?? DEFAULT_PROVIDER_KEYS,
  };
  const server = createServer((req, res) => {
    handle(req, res, env).catch((e: unknown) => {
      if (!res.headersSent)
        sendNow(res, json(500, { error: `emulator failure: ${e instanceof Error ? e.message : String(e)}` }));
      else res.destroy();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    stats: () => env.stats.snapshot(),
    reset: () => env.stats.reset(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isMain()) {
  const served = argValue('--served-model-name');
  const origin = await startOrigin({
    port: Number(argValue('--port') ?? 9100),
    host: argValue('--host') ?? '127.0.0.1',
    servedNames: served?.split(',').filter(Boolean),
  });
  console.log(`origin emulator listening on ${origin.url}`);
  const stop = () => void origin.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
