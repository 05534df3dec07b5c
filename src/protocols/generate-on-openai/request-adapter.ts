import { errors } from '../../http/errors';
import { tgiSamples, type GenerateParameters, type GenerateRequest } from '../tgi/types';

/** vLLM's completions default is 16 tokens; TGI's is "the rest of the context". Without a value from the request or the endpoint, the router asks for this many. */
export const DEFAULT_MAX_NEW_TOKENS = 1024;

/** A TGI request as a vLLM completions call, and what the answer's translation needs to know. */
export interface CompletionsCall {
  body: Record<string, unknown>;
  /** The prompt, when the client asked for `return_full_text`; prepended to `generated_text`. */
  prefix: string;
  /** `details` (or `decoder_input_details`) asked for. */
  wantDetails: boolean;
  /** The seed TGI would report: the request's, when it samples. */
  seed: number | null;
}

/**
 * A TGI generate request as vLLM's `POST /v1/completions` body
 * (the README's table "TGI request on an OpenAI-protocol origin"; TGI's
 * sampling rule in docs/protocols/tgi.md). `typical_p`,
 * `watermark` and `decoder_input_details` have no vLLM equivalent and are dropped
 * (they change sampling detail or add output, never the request's meaning);
 * `best_of` > 1 is refused.
 */
export function generateToOpenAI(req: GenerateRequest, originModel: string, stream: boolean): CompletionsCall {
  const p: GenerateParameters = req.parameters ?? {};
  if ((p.best_of ?? 1) > 1) {
    throw errors.tgiBestOf();
  }
  const sampling = tgiSamples(req.parameters);
  const wantDetails = p.details === true || p.decoder_input_details === true;
  const body: Record<string, unknown> = {
    model: p.adapter_id ?? originModel,
    prompt: req.inputs,
    max_tokens: p.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS,
    temperature: sampling ? (p.temperature ?? 1) : 0,
    stream,
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
  if (stream || wantDetails) {
    body.logprobs = Math.max(1, p.top_n_tokens ?? 0);
    body.return_tokens_as_token_ids = true;
  }
  if (stream) body.stream_options = { include_usage: true };
  return { body, prefix: p.return_full_text ? req.inputs : '', wantDetails, seed: sampling ? (p.seed ?? null) : null };
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
