// Pieces shared by the vLLM routes: error bodies, request guards, model resolution, ids.

import { randomUUID } from 'node:crypto';
import { isObject, json, type BodyPlan, type RouteContext } from './plan.ts';
import type { Finish, Tok } from './tokens.ts';

/** The model name that selects TGI's Messages API on un-prefixed /v1 routes; never a vLLM model. */
export const TGI_MODEL_NAME = 'tgi';

export function vllmError(status: number, message: string, type: string, param: string | null = null): BodyPlan {
  return json(status, { error: { message, type, param, code: status } });
}

export function badRequest(message: string, param: string | null = null): BodyPlan {
  return vllmError(400, message, 'BadRequestError', param);
}

/** Content-type and JSON syntax checks (vLLM's validate_json_request + FastAPI's body parsing). */
export function guardJson(ctx: RouteContext): BodyPlan | null {
  const mediaType = (ctx.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return badRequest("Unsupported Media Type: Only 'application/json' is allowed");
  }
  if (ctx.jsonError !== null) {
    return badRequest(
      `[{'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'ctx': {'error': '${ctx.jsonError.replace(/'/g, '"')}'}}]`,
    );
  }
  return null;
}

export function servedModels(ctx: RouteContext): string[] {
  return ctx.models.filter((m) => m !== TGI_MODEL_NAME);
}

/** Returns the model to answer as, or the 404 plan for an unknown one. */
export function resolveModel(requested: unknown, served: string[]): string | BodyPlan {
  if (requested === undefined || requested === null) return served[0] ?? 'unknown';
  const name = String(requested);
  if (served.includes(name)) return name;
  return vllmError(404, `The model \`${name}\` does not exist.`, 'NotFoundError', 'model');
}

/** X-Request-Id becomes the id suffix, else a uuid hex (vLLM's random_uuid). */
export function requestIdSuffix(ctx: RouteContext): string {
  return ctx.headers['x-request-id'] || randomUUID().replace(/-/g, '');
}

export function stopList(stop: unknown): string[] {
  if (typeof stop === 'string') return [stop];
  return Array.isArray(stop) ? stop.filter((s): s is string => typeof s === 'string') : [];
}

/** vLLM's finish_reason / stop_reason pair. */
export function finishFields(
  finish: Finish,
  stopMatched: string | null,
): { finish_reason: string; stop_reason: string | null } {
  if (finish === 'length') return { finish_reason: 'length', stop_reason: null };
  return { finish_reason: 'stop', stop_reason: finish === 'stop' ? stopMatched : null };
}

/** Token rendering for logprobs: text, or "token_id:<id>" with return_tokens_as_token_ids. */
export function renderToken(tok: Tok, asIds: boolean): string {
  return asIds ? `token_id:${tok.id}` : tok.text;
}

export type StreamUsage = { include: boolean; continuous: boolean };

/** stream_options: include_usage defaults to true once the object is sent. */
export function streamUsage(body: Record<string, unknown>): StreamUsage {
  const so = body.stream_options;
  if (!isObject(so)) return { include: false, continuous: false };
  return {
    include: so.include_usage !== false && so.include_usage !== null,
    continuous: so.continuous_usage_stats === true,
  };
}

export function usage(prompt: number, completion: number): Record<string, number> {
  return { prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion };
}
