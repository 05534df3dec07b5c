import type { CompletionRequest } from '../openai/request-schemas';
import type { GenerateParameters } from '../tgi/types';
import { TGI_LIMITS } from '../tgi/limits';
import { errors } from '../../http/errors';
import { refuseCommon, stopList } from '../tgi/refuse-unsupported';
import { responseFormatToGrammar } from '../tgi/response-format-to-grammar';

/** OpenAI's default `max_tokens` for completions (vLLM's too); TGI's own default is "the rest of the context". */
export const OPENAI_COMPLETIONS_MAX_TOKENS = 16;

/** A completions request as a TGI generate call, and what the answer's translation needs to know. */
export interface GenerateCall {
  body: { inputs: string; parameters: GenerateParameters };
  /** `logprobs: N` asked for (null: no logprobs in the answer). */
  logprobs: number | null;
  /** `echo`: the prompt leads the text (TGI's `return_full_text`; a stream sends it first). */
  echo: boolean;
}

/**
 * An OpenAI completions request as TGI's `POST /generate(_stream)` body. One text
 * prompt only (TGI's generate API has no batching and takes no token ids); greedy
 * decoding for temperature 0 (TGI refuses temperature 0), sampling otherwise;
 * `details` always on (finish reason and token counts come from there). Fields
 * TGI cannot honour are refused with a 400 that names them.
 */
export function completionsToTgi(request: CompletionRequest, originModel: string): GenerateCall {
  refuseCommon(request);
  const inputs = singlePrompt(request.prompt);
  if (request.suffix != null && request.suffix !== '') {
    throw errors.unsupportedParameter(
      'suffix',
      'TGI has no fill-in-the-middle suffix; put the text into the prompt instead',
      'TGI origin',
    );
  }
  if (request.best_of != null && request.best_of > 1) {
    throw errors.unsupportedParameter(
      'best_of',
      "TGI's best_of needs sampling without a seed, streams refuse it and it is not OpenAI's server-side ranking",
      'TGI origin',
    );
  }
  const echo = request.echo === true;
  const logprobs = request.logprobs ?? null;
  if (logprobs !== null && logprobs > TGI_LIMITS.maxTopNTokens) {
    throw errors.unsupportedParameter(
      'logprobs',
      `TGI returns at most ${TGI_LIMITS.maxTopNTokens} top tokens per position (--max-top-n-tokens)`,
      'TGI origin',
    );
  }
  if (logprobs !== null && echo) {
    throw errors.unsupportedParameter(
      'echo',
      "echo with logprobs needs the prompt tokens' logprobs, which TGI gives only when started with --enable-prefill-logprobs (and never when streaming)",
      'TGI origin',
    );
  }

  const p: GenerateParameters = {
    max_new_tokens: request.max_tokens ?? OPENAI_COMPLETIONS_MAX_TOKENS,
    details: true,
    decoder_input_details: false,
  };
  const greedy = request.temperature === 0;
  p.do_sample = !greedy;
  if (!greedy) {
    // TGI samples whenever top_p < 1, top_k > 0 or typical_p < 1: under greedy decoding they are left out.
    if (request.temperature != null) p.temperature = request.temperature;
    if (request.top_p != null && request.top_p < 1) p.top_p = request.top_p;
    if (request.top_k != null && request.top_k > 0) p.top_k = request.top_k;
    // vLLM and TGI extras (not OpenAI fields, so not in the schema): read where they are used.
    if (typeof request.typical_p === 'number' && request.typical_p < 1) p.typical_p = request.typical_p;
  }
  if (request.seed != null) p.seed = request.seed;
  const stop = stopList(request.stop);
  if (stop?.length) p.stop = stop;
  if (request.frequency_penalty != null && request.frequency_penalty !== 0)
    p.frequency_penalty = request.frequency_penalty;
  if (typeof request.repetition_penalty === 'number') p.repetition_penalty = request.repetition_penalty;
  const truncate = request.truncate_prompt_tokens ?? request.truncate;
  if (typeof truncate === 'number' && truncate > 0) p.truncate = truncate;
  if (typeof request.watermark === 'boolean') p.watermark = request.watermark;
  if (echo) p.return_full_text = true;
  if (logprobs !== null && logprobs > 0) p.top_n_tokens = logprobs;
  const grammar = responseFormatToGrammar(request.response_format);
  if (grammar !== undefined) p.grammar = grammar as GenerateParameters['grammar'];
  if (originModel !== 'tgi') p.adapter_id = originModel;
  return { body: { inputs, parameters: p }, logprobs, echo };
}

/** The one text prompt TGI's generate API takes: a string, or an array of exactly one string. */
function singlePrompt(prompt: unknown): string {
  const list = Array.isArray(prompt) ? (prompt as unknown[]) : [prompt];
  if (list.some((x) => typeof x !== 'string'))
    throw errors.unsupportedParameter('prompt', 'TGI takes text prompts only, not token ids', 'TGI origin');
  if (list.length !== 1) {
    throw errors.unsupportedParameter(
      'prompt',
      `TGI's generate API takes one prompt per request (${list.length} given); send one request per prompt`,
      'TGI origin',
    );
  }
  const one = list[0] as string;
  if (one === '')
    throw errors.unsupportedParameter(
      'prompt',
      'TGI refuses an empty input; send at least one token of text',
      'TGI origin',
    );
  return one;
}
