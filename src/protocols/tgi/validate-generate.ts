import { errors } from '../../http/errors';
import { TGI_LIMITS } from './limits';
import { tgiSamples, type GenerateRequest } from './types';

/**
 * TGI's validation rules (docs/protocols/tgi.md), with TGI's own messages, checked before
 * any origin is called: a request TGI would refuse is refused here whichever
 * protocol the endpoint's origin speaks.
 */
export function validateGenerate(req: GenerateRequest, stream: boolean): void {
  if (req.inputs.length === 0) throw errors.tgiValidation('`inputs` cannot be empty', 'inputs');
  const p = req.parameters;
  if (!p) return;
  const bestOf = p.best_of ?? 1;
  if (bestOf < 1 || bestOf > TGI_LIMITS.maxBestOf) {
    throw errors.tgiValidation(
      `\`best_of\` must be > 0 and <= ${TGI_LIMITS.maxBestOf}. Given: ${bestOf}`,
      'parameters.best_of',
    );
  }
  if (bestOf > 1) {
    if (stream) throw errors.tgiValidation('`best_of` != 1 is not allowed for this endpoint', 'parameters.best_of');
    if (!tgiSamples(p)) throw errors.tgiValidation('you must use sampling when `best_of` is > 1', 'parameters.best_of');
    if (p.seed != null) throw errors.tgiValidation('`seed` must not be set when `best_of` > 1', 'parameters.seed');
  }
  if (p.temperature != null && !(p.temperature > 0))
    throw errors.tgiValidation('`temperature` must be strictly positive', 'parameters.temperature');
  if (p.repetition_penalty != null && !(p.repetition_penalty > 0)) {
    throw errors.tgiValidation('`repetition_penalty` must be strictly positive', 'parameters.repetition_penalty');
  }
  if (p.frequency_penalty != null && !(p.frequency_penalty >= -2 && p.frequency_penalty <= 2)) {
    throw errors.tgiValidation('`frequency_penalty` must be >= -2.0 and <= 2.0', 'parameters.frequency_penalty');
  }
  if (p.top_p != null && !(p.top_p > 0 && p.top_p < 1))
    throw errors.tgiValidation('`top_p` must be > 0.0 and < 1.0', 'parameters.top_p');
  if (p.typical_p != null && !(p.typical_p > 0 && p.typical_p < 1)) {
    throw errors.tgiValidation('`typical_p` must be > 0.0 and < 1.0', 'parameters.typical_p');
  }
  if (p.top_k != null && !(p.top_k > 0))
    throw errors.tgiValidation('`top_k` must be strictly positive', 'parameters.top_k');
  if (p.max_new_tokens != null && !(p.max_new_tokens > 0)) {
    throw errors.tgiValidation('`max_new_tokens` must be strictly positive', 'parameters.max_new_tokens');
  }
  const stops = p.stop?.length ?? 0;
  if (stops > TGI_LIMITS.maxStopSequences) {
    throw errors.tgiValidation(
      `\`stop\` supports up to ${TGI_LIMITS.maxStopSequences} stop sequences. Given: ${stops}`,
      'parameters.stop',
    );
  }
  if (p.truncate != null && !(p.truncate > 0)) {
    throw errors.tgiValidation(`\`truncate\` must be strictly positive. Given: ${p.truncate}`, 'parameters.truncate');
  }
  const topN = p.top_n_tokens ?? 0;
  if (topN > TGI_LIMITS.maxTopNTokens) {
    throw errors.tgiValidation(
      `\`top_n_tokens\` must be >= 0 and <= ${TGI_LIMITS.maxTopNTokens}. Given: ${topN}`,
      'parameters.top_n_tokens',
    );
  }
  if (stream && p.decoder_input_details) {
    throw errors.tgiValidation(
      '`decoder_input_details` == true is not supported when streaming tokens',
      'parameters.decoder_input_details',
    );
  }
  if (p.grammar) validateGrammar(p.grammar);
}

function validateGrammar(grammar: NonNullable<NonNullable<GenerateRequest['parameters']>['grammar']>): void {
  if (grammar.type === 'regex') {
    try {
      new RegExp(grammar.value);
    } catch {
      throw errors.tgiValidation('Grammar is not a valid regular expression', 'parameters.grammar');
    }
    return;
  }
  const schema = grammar.type === 'json_schema' ? grammar.value.schema : grammar.value;
  const value = typeof schema === 'string' ? safeParse(schema) : schema;
  if (!value || typeof value !== 'object' || !('properties' in value)) {
    throw errors.tgiValidation("Grammar must have a 'properties' field", 'parameters.grammar');
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
