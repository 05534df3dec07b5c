import type { CompletionBody } from '../openai/completion-types';
import { tokenCountsOf } from '../openai/usage';
import { mapVllmFinishReason } from '../shared/map-vllm-finish-reason';
import type { TokenCounts } from '../shared/stream-codec';
import { EOS_TOKEN, type GenerateRoute, type TgiDetails } from '../tgi/types';
import { tgiTokens } from './logprobs';
import type { CompletionsCall } from './request-adapter';

/** A non-streaming vLLM completion as TGI's `/generate` answer (an array on the compat root). */
export function generateOnOpenAIResponse(
  json: unknown,
  call: CompletionsCall,
  route: GenerateRoute,
): { body: unknown; usage: TokenCounts } {
  const response = json as CompletionBody;
  const choice = response.choices?.[0] ?? {};
  const text = choice.text ?? '';
  const usage = tokenCountsOf(response.usage) ?? { promptTokens: 0, completionTokens: 0 };
  const finish = mapVllmFinishReason(choice.finish_reason, choice.stop_reason);
  const tokens = tgiTokens(choice.logprobs, text, choice.logprobs?.text_offset?.[0] ?? 0);
  // vLLM counts the EOS token but lists no logprob for it; TGI lists it, as the stream's final event does.
  if (finish === 'eos_token' && tokens.length < usage.completionTokens) tokens.push(EOS_TOKEN);
  const details: TgiDetails = {
    finish_reason: finish,
    generated_tokens: usage.completionTokens,
    seed: call.seed,
    prefill: [],
    tokens,
  };
  const result = call.wantDetails
    ? { generated_text: call.prefix + text, details }
    : { generated_text: call.prefix + text };
  return { body: route === 'compat' ? [result] : result, usage };
}
