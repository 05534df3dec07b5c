import type { AnthropicUsage } from './types';

/** Prompt tokens include the cached ones (Anthropic counts them apart from `input_tokens`). */
export function promptTokensOf(usage: Partial<AnthropicUsage> | null | undefined): number {
  return (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0);
}
