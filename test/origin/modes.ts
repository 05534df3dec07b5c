// Fault modes, chosen per request by a path prefix `/mode/<name>[/<n>]` (wins) or the
// header `x-emulator-mode: <name>[/<n>]`. The flavour prefix `/tgi` (or `/vllm`) may
// come before or after the mode prefix: `/mode/slow/50/tgi/generate`, `/tgi/mode/drop/2/generate`.

import { json, type BodyPlan, type Flavor } from './plan.ts';
import { providerFault } from './provider-errors.ts';

export const MODE_NAMES = [
  'normal',
  'slow',
  'error500',
  'error424',
  'error429',
  'error403',
  'error529',
  'echo-key',
  'drop',
  'stall',
  'instream-error',
  'instream-echo-key',
  'json-dumps',
  'reset',
  'flap',
  'switch',
  'redirect',
] as const;
export type ModeName = (typeof MODE_NAMES)[number];

/**
 * `arg` is milliseconds for normal/slow/json-dumps, a token count for drop/stall/instream-error/instream-echo-key, the
 * filler characters before the echoed credential for echo-key,
 * the window length in ms for flap (alternating windows: up, then down with connections
 * reset), the switch's number for switch (its mode is set with `POST /__switch`), unused otherwise (redirect
 * answers 307 to the same URL without its mode prefix).
 */
export type Mode = { name: ModeName; arg: number; label: string };

const DEFAULT_ARG: Record<ModeName, number> = {
  normal: 2,
  slow: 100,
  error500: 0,
  error424: 0,
  error429: 0,
  error403: 0,
  error529: 0,
  'echo-key': 0,
  drop: 3,
  stall: 0,
  'instream-error': 2,
  'instream-echo-key': 2,
  'json-dumps': 2,
  reset: 0,
  flap: 500,
  switch: 0,
  redirect: 0,
};

export const NORMAL_MODE: Mode = { name: 'normal', arg: DEFAULT_ARG.normal, label: 'normal' };

function isModeName(s: string): s is ModeName {
  return (MODE_NAMES as readonly string[]).includes(s);
}

function makeMode(name: ModeName, arg: string | undefined): Mode {
  const n = arg === undefined ? DEFAULT_ARG[name] : Number(arg);
  return { name, arg: n, label: arg === undefined ? name : `${name}/${n}` };
}

/** Parses "slow/200" (header form). Returns an error string for an unknown name. */
export function parseModeSpec(spec: string): Mode | string {
  const [name = '', arg] = spec.trim().split('/');
  if (!isModeName(name)) return `unknown emulator mode: ${name}`;
  if (arg !== undefined && !/^\d+$/.test(arg)) return `bad emulator mode argument: ${arg}`;
  return makeMode(name, arg);
}

export type Prefixes = { path: string; mode: Mode | null; flavor: Flavor | null; guard: boolean; error: string | null };

/** Strips `/mode/<name>[/<n>]`, `/tgi`, `/vllm` and `/llama-guard` prefixes (any order) from a pathname. */
export function stripPrefixes(pathname: string): Prefixes {
  let segs = pathname.split('/').slice(1);
  let mode: Mode | null = null;
  let flavor: Flavor | null = null;
  let guard = false;
  let error: string | null = null;
  for (;;) {
    const head = segs[0];
    if (head === 'mode' && mode === null && segs.length >= 2) {
      const name = segs[1] ?? '';
      if (!isModeName(name)) {
        error = `unknown emulator mode: ${name}`;
        segs = segs.slice(2);
        continue;
      }
      const arg = segs[2] !== undefined && /^\d+$/.test(segs[2]) ? segs[2] : undefined;
      mode = makeMode(name, arg);
      segs = segs.slice(arg === undefined ? 2 : 3);
    } else if ((head === 'tgi' || head === 'vllm' || head === 'openai' || head === 'anthropic') && flavor === null) {
      flavor = head;
      segs = segs.slice(1);
    } else if (head === 'llama-guard' && !guard) {
      guard = true;
      segs = segs.slice(1);
    } else {
      break;
    }
  }
  return { path: `/${segs.join('/')}`, mode, flavor, guard, error };
}

/** The HTTP error a fault mode answers with, in the flavour's own error shape. */
export type FaultName = 'error500' | 'error424' | 'error429' | 'error403' | 'error529';

export function faultResponse(name: FaultName, flavor: Flavor): BodyPlan {
  if (flavor === 'openai' || flavor === 'anthropic') return providerFault(name, flavor);
  if (name === 'error403' || name === 'error529') name = 'error500'; // provider statuses; self-hosted servers fail with a 500
  if (flavor === 'tgi') {
    if (name === 'error424') {
      return json(424, { error: 'Request failed during generation: emulated failure', error_type: 'generation' });
    }
    if (name === 'error429') return json(429, { error: 'Model is overloaded', error_type: 'overloaded' });
    return json(500, { error: 'Incomplete generation', error_type: 'incomplete_generation' });
  }
  if (name === 'error429') {
    // Core vLLM never sends 429; this mimics a proxy in front of it, in vLLM's error shape.
    return json(429, { error: { message: 'Too many requests', type: 'TooManyRequestsError', param: null, code: 429 } });
  }
  // vLLM has no 424: error424 behaves like error500 there.
  return json(500, {
    error: { message: 'Internal server error (emulated)', type: 'InternalServerError', param: null, code: 500 },
  });
}

/**
 * `<<too-large>>` anywhere in a request body makes a normal-mode request fail as `error500`, as llama.cpp answers an
 * oversized input: a 500 caused by the request's content, which every origin repeats. Other modes are left alone.
 */
export const TOO_LARGE_MARKER = '<<too-large>>';

export function applyTooLarge(mode: Mode, rawBody: string): Mode {
  if (mode.name !== 'normal' || !rawBody.includes(TOO_LARGE_MARKER)) return mode;
  return { name: 'error500', arg: 0, label: `${mode.label}:too-large` };
}

/**
 * A fault mode carried by the model name: `<model>@<name>[/<n>]` (e.g.
 * `meta-llama/Llama-3.1-8B-Instruct@error500`) is `<model>` under that mode, so one
 * emulator URL can serve a failing model next to healthy ones. Null when the name
 * carries no `@`; an error string for an unknown mode.
 */
export function splitModelMode(model: string): { model: string; mode: Mode } | string | null {
  const at = model.lastIndexOf('@');
  if (at <= 0) return null;
  const mode = parseModeSpec(model.slice(at + 1));
  return typeof mode === 'string' ? mode : { model: model.slice(0, at), mode };
}

/** Switchable modes: `switch/<n>` behaves as whatever mode `POST /__switch?id=<n>&mode=<spec>` last set (normal at first). */
export class Switches {
  private readonly modes = new Map<number, Mode>();

  set(id: number, mode: Mode): void {
    this.modes.set(id, mode);
  }

  /** The mode a request runs under: a switch resolves to its current mode. */
  resolve(mode: Mode): Mode {
    if (mode.name !== 'switch') return mode;
    const current = this.modes.get(mode.arg) ?? NORMAL_MODE;
    return { ...current, label: `${mode.label}:${current.label}` };
  }

  clear(): void {
    this.modes.clear();
  }
}
