import { AdminError, AnthropicErrorShape, OpenAIError, TgiErrorBody } from './shapes/errors';
import type { ResponseSpec } from './route-spec';

/**
 * Error responses, in the route's protocol (src/http/error-renderers.ts): the
 * OpenAI shape on /v1 routes, the admin API's (OpenAI's plus `issues`) on admin
 * routes, TGI's `{ error, error_type }` on the generate routes. 429 and 503 carry
 * `Retry-After`.
 */
export function openaiErrors(descriptions: Record<number, string>): Record<number, ResponseSpec> {
  return errors(descriptions, OpenAIError);
}

export function anthropicErrors(descriptions: Record<number, string>): Record<number, ResponseSpec> {
  return errors(descriptions, AnthropicErrorShape);
}

export function tgiErrors(descriptions: Record<number, string>): Record<number, ResponseSpec> {
  return errors(descriptions, TgiErrorBody);
}

function errors(descriptions: Record<number, string>, schema: ResponseSpec['json']): Record<number, ResponseSpec> {
  const out: Record<number, ResponseSpec> = {};
  for (const [status, description] of Object.entries(descriptions)) {
    const retry = status === '429' || status === '503' || status === '529';
    out[Number(status)] = { description, json: schema, ...(retry ? { headers: ['Retry-After'] } : {}) };
  }
  return out;
}

const ADMIN_ERRORS: Record<number, string> = {
  400: 'Invalid body; `error.param` names the field, and `error.issues` lists every problem found',
  401: 'Missing or invalid admin token (the `ADMIN_TOKEN`, or a live platform key)',
  403: 'An endpoint key, or a role that may not do this',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state',
  413: 'Body over `MAX_BODY_BYTES` (default 8 MiB)',
};

/**
 * Admin API errors (OpenAI shape, with `issues` on a validation refusal): `statuses`
 * with the usual wording, or the route's own.
 */
export function adminErrors(statuses: number[], wording: Record<number, string> = {}): Record<number, ResponseSpec> {
  return errors(Object.fromEntries(statuses.map((s) => [s, wording[s] ?? ADMIN_ERRORS[s] ?? `HTTP ${s}`])), AdminError);
}
