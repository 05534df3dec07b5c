import type { TokenCounts } from '../shared/stream-codec';

/** OpenAI's `usage` object from the router's token counts. */
export function openaiUsage(counts: TokenCounts): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  return { prompt_tokens: counts.promptTokens, completion_tokens: counts.completionTokens, total_tokens: counts.promptTokens + counts.completionTokens };
}
