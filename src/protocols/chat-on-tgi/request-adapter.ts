import type { ChatRequest } from '../openai/request-schemas';
import { TGI_LIMITS } from '../tgi/limits';
import { errors } from '../../http/errors';
import { refuseCommon, stopList } from '../tgi/refuse-unsupported';
import { responseFormatToGrammar } from '../tgi/response-format-to-grammar';

/**
 * An OpenAI chat request as TGI's Messages API (`POST /v1/chat/completions`) takes
 * it (docs/protocols/tgi.md, "The Messages API and its traps"). TGI's traps are fixed or refused here:
 * - `stop` must be an array of at most 4; `top_logprobs` at most 5;
 * - `top_p` 1.0 is rejected (1.0 means "off": dropped), and any top_p makes TGI sample (dropped at temperature 0);
 * - `presence_penalty` becomes repetition_penalty = value + 2 (0 dropped, else refused);
 * - `logit_bias` is typed f32[] (empty dropped, else refused); `n` is ignored (>1 refused);
 * - `response_format` has TGI's own shape; `max_completion_tokens` → `max_tokens`;
 * - `null` fields are dropped (TGI's booleans such as `stream` do not accept null).
 * Usage is always asked for on streams (`stream_options` is `{ include_usage: true }` and nothing else the
 * client put in it). Unknown extras pass through (TGI ignores them).
 */
export function chatToTgi(request: ChatRequest, originModel: string, stream: boolean): Record<string, unknown> {
  refuseCommon(request);
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) if (value !== null && value !== undefined) body[key] = value;
  body.model = originModel;

  delete body.presence_penalty;
  delete body.logit_bias;
  delete body.n;
  const stop = stopList(request.stop);
  if (stop) body.stop = stop;
  if (request.top_logprobs != null && request.top_logprobs > TGI_LIMITS.maxTopNTokens) {
    throw errors.unsupportedParameter(
      'top_logprobs',
      `TGI returns at most ${TGI_LIMITS.maxTopNTokens} top tokens per position (--max-top-n-tokens)`,
      'TGI origin',
    );
  }
  // 1.0 means off (TGI refuses it); under greedy decoding (temperature 0) a top_p < 1 would make TGI sample.
  if (request.top_p != null && (request.top_p >= 1 || request.temperature === 0)) delete body.top_p;
  if (request.max_completion_tokens != null) {
    body.max_tokens = request.max_completion_tokens;
    delete body.max_completion_tokens;
  }
  const grammar = responseFormatToGrammar(request.response_format);
  if (grammar === undefined) delete body.response_format;
  else body.response_format = grammar;

  if (stream) {
    // TGI's StreamOptions has include_usage alone: the client's other keys (vLLM's continuous_usage_stats…) stay here.
    body.stream_options = { include_usage: true };
  } else {
    delete body.stream_options;
  }
  return body;
}
