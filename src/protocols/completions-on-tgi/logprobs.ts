import type { CompletionLogprobs } from '../openai/completion-logprobs';
import type { TgiToken } from '../tgi/types';

/**
 * Builds OpenAI completions logprobs from TGI tokens (`details.tokens` and
 * `details.top_tokens`, or one stream event's `token` and `top_tokens`). Special
 * tokens (EOS) are left out, as they are out of the text, so the tokens always
 * add up to `text`; `text_offset` counts from `offset` (the text already sent).
 */
export function completionLogprobs(
  tokens: TgiToken[],
  topTokens: Array<TgiToken[] | undefined> | undefined,
  topN: number,
  offset: number,
): { logprobs: CompletionLogprobs; length: number } {
  const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let at = offset;
  tokens.forEach((token, i) => {
    if (token.special) return;
    out.tokens.push(token.text);
    out.token_logprobs.push(token.logprob);
    const top: Record<string, number> = {};
    for (const candidate of (topTokens?.[i] ?? []).slice(0, topN)) {
      if (candidate.logprob != null && !(candidate.text in top)) top[candidate.text] = candidate.logprob;
    }
    out.top_logprobs.push(top);
    out.text_offset.push(at);
    at += token.text.length;
  });
  return { logprobs: out, length: at - offset };
}
