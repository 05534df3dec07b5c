import type { AnthropicStopReason, AnthropicUsage } from '../anthropic/types';
import type { TokenCounts } from './stream-codec';

/** Anthropic's `stop_reason` as OpenAI's `finish_reason`. */
export function finishReasonOf(reason: AnthropicStopReason | null | undefined): string | null {
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

/** Prompt tokens include the cached ones (Anthropic counts them apart from `input_tokens`). */
export function promptTokensOf(usage: Partial<AnthropicUsage> | undefined): number {
  return (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0);
}

export function openaiUsage(counts: TokenCounts): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  return { prompt_tokens: counts.promptTokens, completion_tokens: counts.completionTokens, total_tokens: counts.promptTokens + counts.completionTokens };
}
