import type { AnthropicStopReason } from '../anthropic/types';

/**
 * Anthropic's `stop_reason` as OpenAI's `finish_reason` (docs/protocols/finish-reasons.md):
 * `end_turn`, `stop_sequence`, `pause_turn` → `stop`; `max_tokens` and
 * `model_context_window_exceeded` → `length`; `tool_use` → `tool_calls`;
 * `refusal` → `content_filter`; a reason added later → `stop`; none → null.
 */
export function mapAnthropicStopReason(reason: AnthropicStopReason | null | undefined): string | null {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return reason == null ? null : 'stop';
  }
}
