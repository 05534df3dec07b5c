import { z } from 'zod';
import type { TokenCounts } from '../shared/stream-codec';

/**
 * OpenAI's `usage` object as origins send it (vLLM, SGLang, llama.cpp, TGI's
 * Messages API, OpenAI): loose, since OpenAI adds detail objects the router does
 * not read; a count that is missing or not a number reads as 0.
 */
export const OpenAIUsage = z.looseObject({
  prompt_tokens: z.number().int().min(0).catch(0),
  completion_tokens: z.number().int().min(0).catch(0),
});

/** The token counts of a `usage` value, or null when there is no usage object (absent, null, not an object). */
export function tokenCountsOf(usage: unknown): TokenCounts | null {
  if (usage === null || typeof usage !== 'object') return null;
  const { prompt_tokens, completion_tokens } = OpenAIUsage.parse(usage);
  return { promptTokens: prompt_tokens, completionTokens: completion_tokens };
}

/** OpenAI's `usage` object from the router's token counts. */
export function openaiUsage(counts: TokenCounts): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
} {
  return {
    prompt_tokens: counts.promptTokens,
    completion_tokens: counts.completionTokens,
    total_tokens: counts.promptTokens + counts.completionTokens,
  };
}
