import type { TokenCounts } from '../shared/stream-codec';
import type { TgiGenerateResponse, TgiToken } from '../tgi/types';
import { completionLogprobs } from './logprobs';
import { mapTgiFinishReason } from '../shared/map-tgi-finish-reason';

export interface CompletionContext {
  id: string;
  endpointName: string;
  /** `logprobs: N` asked for, or null. */
  logprobs: number | null;
}

/**
 * A TGI `/generate` answer as an OpenAI `text_completion`. The prompt's token
 * count comes from TGI's `x-prompt-tokens` header (the body has none); the
 * generated count and the finish reason from `details`.
 */
export function completionsOnTgiResponse(
  json: unknown,
  headers: Headers,
  ctx: CompletionContext,
): { body: unknown; usage: TokenCounts } {
  const response = (json && typeof json === 'object' ? json : {}) as TgiGenerateResponse & {
    details?: { top_tokens?: TgiToken[][] };
  };
  const details = response.details;
  const promptTokens = headerInt(headers, 'x-prompt-tokens') ?? 0;
  const completionTokens = details?.generated_tokens ?? headerInt(headers, 'x-generated-tokens') ?? 0;
  const logprobs =
    ctx.logprobs === null
      ? null
      : completionLogprobs(details?.tokens ?? [], details?.top_tokens, ctx.logprobs, 0).logprobs;
  const body = {
    id: ctx.id,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model: ctx.endpointName,
    choices: [
      {
        index: 0,
        text: typeof response.generated_text === 'string' ? response.generated_text : '',
        logprobs,
        finish_reason: mapTgiFinishReason(details?.finish_reason),
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
  return { body, usage: { promptTokens, completionTokens } };
}

function headerInt(headers: Headers, name: string): number | undefined {
  const value = Number.parseInt(headers.get(name) ?? '', 10);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
