import type { Defaults } from '../../endpoints/schema';
import type { ResponsesRequest } from '../responses/types';

/**
 * The endpoint's defaults on a Responses request that passes through: those the
 * Responses API has a field for (`temperature`, `top_p`, `max_tokens` as
 * `max_output_tokens`, and `system_prompt` as `instructions` when the request has
 * neither instructions nor a system or developer message).
 */
export function withResponsesDefaults(req: ResponsesRequest, defaults: Defaults): ResponsesRequest {
  const out: ResponsesRequest = { ...req };
  if (out.temperature == null && defaults.temperature !== undefined) out.temperature = defaults.temperature;
  if (out.top_p == null && defaults.top_p !== undefined) out.top_p = defaults.top_p;
  if (out.max_output_tokens == null && defaults.max_tokens !== undefined) out.max_output_tokens = defaults.max_tokens;
  const hasSystem =
    Array.isArray(req.input) && req.input.some((item) => item.role === 'system' || item.role === 'developer');
  if (!out.instructions && !hasSystem && defaults.system_prompt !== undefined)
    out.instructions = defaults.system_prompt;
  return out;
}
