// Reading an incoming request into a RouteContext: body, JSON, flavour and mode.

import type { IncomingMessage } from 'node:http';
import { NORMAL_MODE, parseModeSpec, splitModelMode, stripPrefixes, type Mode } from './modes.ts';
import { isObject, type Flavor } from './plan.ts';
import { TGI_ONLY_PATHS } from './tgi-routes.ts';
import { TGI_MODEL_NAME } from './vllm-common.ts';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJson(raw: string): { body: unknown; jsonError: string | null } {
  if (raw.trim() === '') return { body: undefined, jsonError: 'EOF while parsing a value at line 1 column 0' };
  try {
    return { body: JSON.parse(raw) as unknown, jsonError: null };
  } catch (e) {
    return { body: undefined, jsonError: e instanceof Error ? e.message : String(e) };
  }
}

export type Target = {
  path: string;
  mode: Mode;
  prefixFlavor: Flavor | null;
  guardPrefix: boolean;
  error: string | null;
  modePrefixed?: boolean;
};

/** Path prefixes first; the x-emulator-mode header only when no mode prefix was given. */
export function target(pathname: string, headerMode: string | undefined): Target {
  const pre = stripPrefixes(pathname);
  let mode = pre.mode;
  let error = pre.error;
  if (mode === null && headerMode) {
    const parsed = parseModeSpec(headerMode);
    if (typeof parsed === 'string') error = parsed;
    else mode = parsed;
  }
  return {
    path: pre.path,
    mode: mode ?? NORMAL_MODE,
    prefixFlavor: pre.flavor,
    guardPrefix: pre.guard,
    error,
    modePrefixed: pre.mode !== null,
  };
}

/** `/tgi` prefix, a TGI-only path, or model "tgi" on a /v1 generation route → TGI; otherwise vLLM. */
export function chooseFlavor(prefix: Flavor | null, method: string, path: string, body: unknown): Flavor {
  if (prefix) return prefix;
  if (TGI_ONLY_PATHS.includes(path) && !(path === '/' && method === 'GET')) return 'tgi';
  if (
    (path === '/v1/chat/completions' || path === '/v1/completions') &&
    isObject(body) &&
    body.model === TGI_MODEL_NAME
  ) {
    return 'tgi';
  }
  return 'vllm';
}

/** Key in stats.byRoute: TGI's copies of shared paths are prefixed with /tgi. */
export function routeKey(method: string, path: string, flavor: Flavor): string {
  if (flavor === 'openai' || flavor === 'anthropic') return `${method} /${flavor}${path}`;
  const shared = flavor === 'tgi' && !TGI_ONLY_PATHS.includes(path);
  return `${method} ${shared ? '/tgi' : ''}${path}`;
}

/**
 * A mode in the body's model name (`<model>@<mode>`, see modes.ts) applies unless the
 * path named one; the body's `model` is rewritten to the plain name either way.
 */
export function applyModelMode(t: Target, body: unknown): Target {
  if (!isObject(body) || typeof body.model !== 'string') return t;
  const split = splitModelMode(body.model);
  if (split === null) return t;
  if (typeof split === 'string') return { ...t, error: split };
  body.model = split.model;
  return t.modePrefixed ? t : { ...t, mode: split.mode };
}
