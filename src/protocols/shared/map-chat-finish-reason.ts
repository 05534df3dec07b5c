import type { AnthropicStopReason } from '../anthropic/types';
import type { ResponseStatus } from '../responses/types';

/**
 * The chat path's finish (OpenAI `finish_reason`, and vLLM's `stop_reason`) in the
 * terms of the client protocols translated to chat (docs/protocols/finish-reasons.md).
 */

/**
 * Anthropic's stop reason from the chat finish: `length` is `max_tokens` and a
 * content filter is `refusal`, even with a tool call in the answer (its input may be
 * cut short: an agent must not run it); otherwise a tool call is `tool_use`; a stop that matched one of the
 * request's `stop_sequences` is `stop_sequence` with that string — vLLM names it
 * in `stop_reason`, TGI leaves it at the end of the text — and any other stop is
 * `end_turn`.
 */
export function mapChatFinishToAnthropic(
  finish: { reason: string | null | undefined; stopReason: unknown },
  textEnd: string,
  stops: readonly string[],
  usedTools: boolean,
): { stop_reason: AnthropicStopReason; stop_sequence: string | null } {
  if (finish.reason === 'length') return { stop_reason: 'max_tokens', stop_sequence: null };
  if (finish.reason === 'content_filter') return { stop_reason: 'refusal', stop_sequence: null };
  if (usedTools || finish.reason === 'tool_calls') return { stop_reason: 'tool_use', stop_sequence: null };
  const named =
    typeof finish.stopReason === 'string' && stops.includes(finish.stopReason) ? finish.stopReason : undefined;
  const matched = named ?? stops.find((s) => s !== '' && textEnd.endsWith(s));
  return matched !== undefined
    ? { stop_reason: 'stop_sequence', stop_sequence: matched }
    : { stop_reason: 'end_turn', stop_sequence: null };
}

/** A chat finish reason as a Responses status: `length` is incomplete (`max_output_tokens`), as is a content filter. */
export function mapChatFinishToResponses(finishReason: string | null | undefined): {
  status: ResponseStatus;
  incompleteReason: string | null;
} {
  if (finishReason === 'length') return { status: 'incomplete', incompleteReason: 'max_output_tokens' };
  if (finishReason === 'content_filter') return { status: 'incomplete', incompleteReason: 'content_filter' };
  return { status: 'completed', incompleteReason: null };
}
