import type { Defaults } from '../../endpoints/schema';
import type { MessagesRequest } from '../anthropic/types';

/**
 * The endpoint's defaults on a Messages request that passes through to Anthropic,
 * where the request leaves the field out and Anthropic has one: `temperature`
 * (within Anthropic's 0–1), `top_p`, `top_k` (> 0), `stop` as `stop_sequences`,
 * and `system_prompt` as `system`. `max_tokens` is required of the client;
 * presence and frequency penalties have no Anthropic counterpart and are not sent.
 */
export function withMessagesDefaults(req: MessagesRequest, defaults: Defaults): MessagesRequest {
  const out: MessagesRequest = { ...req };
  if (out.temperature == null && defaults.temperature !== undefined && defaults.temperature <= 1)
    out.temperature = defaults.temperature;
  if (out.top_p == null && defaults.top_p !== undefined) out.top_p = defaults.top_p;
  if (out.top_k == null && defaults.top_k !== undefined && defaults.top_k > 0) out.top_k = defaults.top_k;
  if (out.stop_sequences == null && defaults.stop !== undefined)
    out.stop_sequences = typeof defaults.stop === 'string' ? [defaults.stop] : defaults.stop;
  if ((out.system == null || out.system === '') && defaults.system_prompt !== undefined)
    out.system = defaults.system_prompt;
  return out;
}
