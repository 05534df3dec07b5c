// What a route wants to send, before fault modes decide how (or whether) it is sent.

import type { ProviderKeys } from './provider-keys.ts';
import type { SseStyle } from './sse.ts';

/** vLLM and TGI are self-hosted servers; `openai` and `anthropic` emulate the providers' hosted APIs. */
export type Flavor = 'vllm' | 'tgi' | 'openai' | 'anthropic';

/** One SSE frame; `token` frames are the ones delayed, counted by drop/stall/instream-error. */
export type Frame = { data: string; token: boolean };

export type BodyPlan = {
  kind: 'body';
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Generated tokens, used by slow mode to delay a non-stream answer (tokens × ms). */
  tokens: number;
};

export type StreamPlan = {
  kind: 'stream';
  status: number;
  headers: Record<string, string>;
  style: SseStyle;
  frames: Frame[];
  /** The stream itself carries an error (e.g. TGI in-stream validation error): outcome "error". */
  failed: boolean;
};

export type Plan = BodyPlan | StreamPlan;

/** Everything a route handler needs to know about the request. */
export type RouteContext = {
  method: string;
  /** Path with mode/flavour prefixes and query removed. */
  path: string;
  headers: Record<string, string>;
  rawBody: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  /** JSON.parse error message when the body is present but not valid JSON. */
  jsonError: string | null;
  models: string[];
  embeddingModels: string[];
  /** Requests in flight, this one excluded. */
  inFlight: number;
  /** The credentials as sent (`headers` has them redacted), for the provider flavours' auth checks. */
  rawAuthorization?: string;
  rawApiKey?: string;
  /** API keys the provider flavours accept. */
  providerKeys: ProviderKeys;
};

export function json(status: number, payload: unknown, headers: Record<string, string> = {}, tokens = 0): BodyPlan {
  return {
    kind: 'body',
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
    tokens,
  };
}

export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): BodyPlan {
  return { kind: 'body', status, headers: { 'content-type': contentType }, body, tokens: 0 };
}

export function empty(status: number): BodyPlan {
  return { kind: 'body', status, headers: {}, body: '', tokens: 0 };
}

export function stream(style: SseStyle, headers: Record<string, string>, frames: Frame[], failed = false): StreamPlan {
  return { kind: 'stream', status: 200, headers, style, frames, failed };
}

/** FastAPI's answer for unknown routes (used by both flavours). */
export function notFound(): BodyPlan {
  return json(404, { detail: 'Not Found' });
}

export function methodNotAllowed(): BodyPlan {
  return json(405, { detail: 'Method Not Allowed' });
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
