import type { CompletionLogprobs } from '../openai/completion-logprobs';
import type { TgiToken } from '../tgi/types';

/**
 * TGI tokens from vLLM completion logprobs. The router asks for
 * `return_tokens_as_token_ids`, so each token reads `token_id:<id>`; its text is
 * the slice of the generated text between its offset and the next one.
 * `text` is the text these offsets index into, starting at `base`.
 */
export function tgiTokens(
  logprobs: Partial<CompletionLogprobs> | null | undefined,
  text: string,
  base = 0,
  nextOffset?: number,
): TgiToken[] {
  const tokens = logprobs?.tokens ?? [];
  const offsets = logprobs?.text_offset ?? [];
  return tokens.map((token, i) => {
    const start = (offsets[i] ?? base) - base;
    const end = (offsets[i + 1] ?? nextOffset ?? base + text.length) - base;
    const id = /^token_id:(\d+)$/.exec(token);
    return {
      id: id ? Number(id[1]) : 0,
      text: id ? text.slice(start, end) : token,
      logprob: logprobs?.token_logprobs?.[i] ?? null,
      special: false,
    };
  });
}
