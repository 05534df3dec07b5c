/**
 * OpenAI's completions `logprobs` object (`/v1/completions`): one entry per
 * generated token. The router writes it (TGI origins) and reads vLLM's (whose
 * fields it treats as optional: `Partial<CompletionLogprobs>`).
 */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: Array<number | null>;
  top_logprobs: Array<Record<string, number> | null>;
  text_offset: number[];
}
