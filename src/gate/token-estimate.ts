import type { UsageReport } from './types';

/** What a request reserves against token budgets before it runs. */
export interface TokenEstimate {
  prompt: number;
  completion: number;
}

/** Bytes of UTF-8 per prompt token the estimate assumes (see below). */
const BYTES_PER_TOKEN = 3;

const encoder = new TextEncoder();

/**
 * A conservative estimate, from the body the origin will get (defaults filled in):
 *
 * - prompt: the body's UTF-8 size in bytes ÷ 3, rounded up. BPE tokenizers average
 *   about 4 characters of English per token; a CJK character (3 bytes) counts as one
 *   token. Everything in the body counts (field names, roles, quotes, tool schemas),
 *   which more than covers the few tokens a chat template adds per message.
 * - completion: the request's limit as the origin sees it (`max_tokens`,
 *   `max_completion_tokens`, `max_output_tokens`, TGI's `parameters.max_new_tokens`),
 *   else `defaultMaxTokens`; embeddings generate none.
 */
export function estimateTokens(path: string, body: unknown, defaultMaxTokens: number): TokenEstimate {
  const prompt = Math.ceil(encoder.encode(JSON.stringify(body) ?? '').length / BYTES_PER_TOKEN);
  if (path.endsWith('/embeddings') || path.endsWith('/embed')) return { prompt, completion: 0 };
  const b = (body ?? {}) as Record<string, unknown>;
  const params = (b.parameters ?? {}) as Record<string, unknown>;
  const limit = [b.max_tokens, b.max_completion_tokens, b.max_output_tokens, params.max_new_tokens].find(
    (v): v is number => typeof v === 'number' && v >= 0,
  );
  return { prompt, completion: limit ?? defaultMaxTokens };
}

/**
 * What a finished request costs against token budgets: the prompt and completion
 * tokens the router counted for it (the origin's usage report, or the content
 * chunks it relayed when a stream ended without one), as in the key's usage. A
 * request that generated nothing and reported nothing costs nothing.
 */
export function chargedTokens(usage: Pick<UsageReport, 'promptTokens' | 'completionTokens'>): number {
  return usage.promptTokens + usage.completionTokens;
}
