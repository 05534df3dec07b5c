// Pieces shared by the TGI routes: axum-style body rejections, TGI error bodies, finish reasons.

import { json, text, type BodyPlan, type RouteContext } from './plan.ts';
import type { Finish } from './tokens.ts';
import { TGI_LIMITS } from './validate-tgi.ts';

export const TGI_VERSION = '3.3.6';
export const SYSTEM_FINGERPRINT = `${TGI_VERSION}-native`;
export const COMPUTE_TYPE = 'gpu+optimized';

export function tgiError(status: number, error: string, errorType: string): BodyPlan {
  return json(status, { error, error_type: errorType });
}

/** axum's Json extractor: 415 without a JSON content type, 400 on bad syntax (text/plain bodies). */
export function guardAxumJson(ctx: RouteContext): BodyPlan | null {
  const mediaType = (ctx.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!(mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType))) {
    return text(415, 'Expected request with `Content-Type: application/json`');
  }
  if (ctx.jsonError !== null) return text(400, `Failed to parse the request body as JSON: ${ctx.jsonError}`);
  return null;
}

/** axum's 422 for a body that is JSON but not of the target type. */
export function deserializeError(message: string): BodyPlan {
  return text(422, `Failed to deserialize the JSON body into the target type: ${message}`);
}

/** More than --max-concurrent-requests in flight (checked before validation). */
export function isOverloaded(ctx: RouteContext): boolean {
  return ctx.inFlight >= TGI_LIMITS.maxConcurrentRequests;
}

export const OVERLOADED = { error: 'Model is overloaded', error_type: 'overloaded' };

/** /generate's details.finish_reason. */
export function finishTgi(finish: Finish): 'length' | 'eos_token' | 'stop_sequence' {
  return finish === 'eos' ? 'eos_token' : finish === 'stop' ? 'stop_sequence' : 'length';
}

/** TGI's Messages API maps only eos_token → "stop"; length and stop_sequence pass through. */
export function finishMessages(finish: Finish): 'length' | 'stop' | 'stop_sequence' {
  return finish === 'eos' ? 'stop' : finish === 'stop' ? 'stop_sequence' : 'length';
}
