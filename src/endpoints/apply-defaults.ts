import type { InferenceKind } from './inference-kind';
import type { Defaults } from './schema';

type Body = Record<string, unknown>;

const SAMPLING_DEFAULTS = ['temperature', 'top_p', 'top_k', 'stop', 'presence_penalty', 'frequency_penalty'] as const;

/**
 * Fills in the endpoint's defaults where the request leaves a field out (absent or
 * null). The system prompt is prepended as a system message when the conversation
 * has none. Returns a new object; the request body is not changed.
 */
export function applyDefaults<T extends Body>(kind: InferenceKind, body: T, defaults: Defaults): T & Body {
  if (kind === 'embeddings') return body;
  const out: Body = { ...body };
  for (const field of SAMPLING_DEFAULTS) {
    if (out[field] == null && defaults[field] !== undefined) out[field] = defaults[field];
  }
  if (defaults.max_tokens !== undefined && out.max_tokens == null && out.max_completion_tokens == null) {
    out.max_tokens = defaults.max_tokens;
  }
  if (kind === 'chat' && defaults.system_prompt !== undefined) {
    const messages = Array.isArray(out.messages) ? (out.messages as Array<{ role?: unknown }>) : [];
    const hasSystem = messages.some((m) => m.role === 'system' || m.role === 'developer');
    if (!hasSystem) out.messages = [{ role: 'system', content: defaults.system_prompt }, ...messages];
  }
  return out as T;
}
