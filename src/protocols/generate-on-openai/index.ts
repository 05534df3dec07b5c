import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import { ApiError } from '../../http/api-error';
import { tgiSamples, type GenerateParameters, type GenerateRequest, type TgiDetails } from '../tgi/types';
import { GenerateFromCompletionsCodec } from './stream-codec';
import type { GenerateRoute } from '../generate-passthrough';
import { tgiFinishReason } from '../shared/map-vllm-finish-reason';
import { EOS_TOKEN, tgiTokens, type CompletionLogprobs } from './logprobs';

/** vLLM's completions default is 16 tokens; TGI's is "the rest of the context". Without a value from the request or the endpoint, the router asks for this many. */
export const DEFAULT_MAX_NEW_TOKENS = 1024;

interface CompletionResponse {
  choices?: Array<{ text?: string; finish_reason?: string | null; stop_reason?: unknown; logprobs?: CompletionLogprobs | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/**
 * A TGI request to an OpenAI-compatible origin (vLLM): `/v1/completions` with the
 * parameters translated (PROTOCOLS §6.1), and the answer rebuilt in TGI's shapes.
 * `typical_p`, `watermark` and `decoder_input_details` have no vLLM equivalent and
 * are dropped (they change sampling detail or add output, never the request's
 * meaning); `best_of` > 1 is refused.
 */
export function generateOnOpenAI(req: GenerateRequest, route: GenerateRoute, ctx: ExchangeContext): OriginExchange {
  const p: GenerateParameters = req.parameters ?? {};
  if ((p.best_of ?? 1) > 1) {
    throw new ApiError(422, 'Input validation error: `best_of` > 1 is not supported by this endpoint\'s origin', {
      type: 'validation',
      param: 'parameters.best_of',
      code: 'unsupported_parameter',
    });
  }
  const sampling = tgiSamples(req.parameters);
  const wantDetails = p.details === true || p.decoder_input_details === true;
  const body: Record<string, unknown> = {
    model: p.adapter_id ?? ctx.originModel,
    prompt: req.inputs,
    max_tokens: p.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS,
    temperature: sampling ? (p.temperature ?? 1) : 0,
    stream: ctx.stream,
  };
  if (sampling) copy(body, p, ['top_p', 'top_k']);
  copy(body, p, ['repetition_penalty', 'frequency_penalty', 'seed']);
  if (p.stop?.length) {
    body.stop = p.stop;
    body.include_stop_str_in_output = true; // TGI keeps the stop text in the output
  }
  if (p.truncate != null) body.truncate_prompt_tokens = p.truncate;
  if (p.grammar) Object.assign(body, grammarFields(p.grammar));
  // Token ids and logprobs: for TGI's per-token stream events, and for `details.tokens`.
  if (ctx.stream || wantDetails) {
    body.logprobs = Math.max(1, p.top_n_tokens ?? 0);
    body.return_tokens_as_token_ids = true;
  }
  if (ctx.stream) body.stream_options = { include_usage: true };

  const prefix = p.return_full_text ? req.inputs : '';
  const seed = sampling ? (p.seed ?? null) : null;
  return {
    path: '/v1/completions',
    body,
    codec: () => new GenerateFromCompletionsCodec({ prefix, wantDetails: p.details === true, seed }),
    translate: (json) => {
      const response = json as CompletionResponse;
      const choice = response.choices?.[0] ?? {};
      const text = choice.text ?? '';
      const usage = { promptTokens: response.usage?.prompt_tokens ?? 0, completionTokens: response.usage?.completion_tokens ?? 0 };
      const finish = tgiFinishReason(choice.finish_reason, choice.stop_reason);
      const tokens = tgiTokens(choice.logprobs, text, choice.logprobs?.text_offset?.[0] ?? 0);
      // vLLM counts the EOS token but lists no logprob for it; TGI lists it, as the stream's final event does.
      if (finish === 'eos_token' && tokens.length < usage.completionTokens) tokens.push(EOS_TOKEN);
      const details: TgiDetails = { finish_reason: finish, generated_tokens: usage.completionTokens, seed, prefill: [], tokens };
      const result = wantDetails ? { generated_text: prefix + text, details } : { generated_text: prefix + text };
      return { body: route === 'compat' ? [result] : result, usage };
    },
  };
}

function copy(target: Record<string, unknown>, p: GenerateParameters, fields: Array<keyof GenerateParameters>): void {
  for (const field of fields) if (p[field] != null) target[field] = p[field];
}

/** TGI grammar → vLLM guided decoding: JSON schemas as `response_format`, regexes as `guided_regex`. */
function grammarFields(grammar: NonNullable<GenerateParameters['grammar']>): Record<string, unknown> {
  if (grammar.type === 'regex') return { guided_regex: grammar.value };
  const raw = grammar.type === 'json_schema' ? grammar.value.schema : grammar.value;
  const schema = typeof raw === 'string' ? JSON.parse(raw) : raw;
  const name = grammar.type === 'json_schema' ? (grammar.value.name ?? 'grammar') : 'grammar';
  return { response_format: { type: 'json_schema', json_schema: { name, schema } } };
}
