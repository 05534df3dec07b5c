// TGI validation (docs/protocols/tgi.md) as pure functions.
// Shape errors mimic serde/axum (422 text/plain, "Failed to deserialize the JSON body into the target type: …");
// rule violations return "Input validation error: …" (422 JSON, error_type "validation").

import { isObject } from './plan.ts';

export const TGI_LIMITS = {
  maxBestOf: 2,
  maxStopSequences: 4,
  maxInputTokens: 4000,
  maxTotalTokens: 4096,
  maxTopNTokens: 5,
  maxClientBatchSize: 4,
  maxConcurrentRequests: 128,
};

type FieldType =
  | 'f32'
  | 'i32'
  | 'u32'
  | 'usize'
  | 'u64'
  | 'bool'
  | 'opt-bool'
  | 'string'
  | 'vec-string'
  | 'opt-vec-string'
  | 'opt-vec-f32';

export const GENERATE_PARAMS: Record<string, FieldType> = {
  best_of: 'usize',
  temperature: 'f32',
  repetition_penalty: 'f32',
  frequency_penalty: 'f32',
  top_k: 'i32',
  top_p: 'f32',
  typical_p: 'f32',
  do_sample: 'bool',
  max_new_tokens: 'u32',
  return_full_text: 'opt-bool',
  stop: 'vec-string',
  truncate: 'usize',
  watermark: 'bool',
  details: 'bool',
  decoder_input_details: 'bool',
  seed: 'u64',
  top_n_tokens: 'u32',
  adapter_id: 'string',
};

export const CHAT_FIELDS: Record<string, FieldType> = {
  model: 'string',
  frequency_penalty: 'f32',
  logit_bias: 'opt-vec-f32',
  logprobs: 'opt-bool',
  top_logprobs: 'u32',
  max_tokens: 'u32',
  max_completion_tokens: 'u32',
  n: 'u32',
  presence_penalty: 'f32',
  stream: 'bool',
  seed: 'u64',
  temperature: 'f32',
  top_p: 'f32',
  stop: 'opt-vec-string',
  tool_prompt: 'string',
};

export const COMPLETION_FIELDS: Record<string, FieldType> = {
  model: 'string',
  max_tokens: 'u32',
  temperature: 'f32',
  top_p: 'f32',
  stream: 'bool',
  seed: 'u64',
  suffix: 'string',
  repetition_penalty: 'f32',
  frequency_penalty: 'f32',
  stop: 'opt-vec-string',
};

const EXPECTED: Record<FieldType, string> = {
  f32: 'f32',
  i32: 'i32',
  u32: 'u32',
  usize: 'usize',
  u64: 'u64',
  bool: 'a boolean',
  'opt-bool': 'a boolean',
  string: 'a string',
  'vec-string': 'a sequence',
  'opt-vec-string': 'a sequence',
  'opt-vec-f32': 'a sequence',
};

/** serde's description of an unexpected JSON value. */
function unexpected(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `boolean \`${v}\``;
  if (typeof v === 'number') return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
  return Array.isArray(v) ? 'sequence' : 'map';
}

function fieldError(v: unknown, t: FieldType): string | null {
  const nullable = t !== 'bool' && t !== 'vec-string';
  if (v === null) return nullable ? null : `invalid type: null, expected ${EXPECTED[t]}`;
  const bad = `invalid type: ${unexpected(v)}, expected ${EXPECTED[t]}`;
  switch (t) {
    case 'f32':
      return typeof v === 'number' ? null : bad;
    case 'i32':
    case 'u32':
    case 'usize':
    case 'u64':
      if (typeof v !== 'number' || !Number.isInteger(v)) return bad;
      return t !== 'i32' && v < 0 ? `invalid value: integer \`${v}\`, expected ${t}` : null;
    case 'bool':
    case 'opt-bool':
      return typeof v === 'boolean' ? null : bad;
    case 'string':
      return typeof v === 'string' ? null : bad;
    case 'vec-string':
    case 'opt-vec-string':
      if (!Array.isArray(v)) return bad;
      return v.every((s) => typeof s === 'string')
        ? null
        : `invalid type: ${unexpected(v.find((s) => typeof s !== 'string'))}, expected a string`;
    case 'opt-vec-f32':
      return Array.isArray(v) && v.every((x) => typeof x === 'number') ? null : bad;
  }
}

/** Checks an object's fields against a spec; returns serde's "path: message" or null. */
export function checkFields(obj: Record<string, unknown>, spec: Record<string, FieldType>, prefix = ''): string | null {
  for (const [key, t] of Object.entries(spec)) {
    if (!(key in obj)) continue;
    const e = fieldError(obj[key], t);
    if (e) return `${prefix}${key}: ${e}`;
  }
  return null;
}

/** Shape of a /generate, /generate_stream or / body. */
export function generateShapeError(body: unknown): string | null {
  if (!isObject(body)) return `invalid type: ${unexpected(body)}, expected struct GenerateRequest`;
  if (!('inputs' in body)) return 'missing field `inputs`';
  if (typeof body.inputs !== 'string') return `inputs: invalid type: ${unexpected(body.inputs)}, expected a string`;
  const p = body.parameters;
  if (p === undefined || p === null) return null;
  if (!isObject(p)) return `parameters: invalid type: ${unexpected(p)}, expected struct GenerateParameters`;
  return checkFields(p, GENERATE_PARAMS, 'parameters.');
}

/** TGI samples iff do_sample ∨ temperature≠1 ∨ top_k≠0 ∨ top_p<1 ∨ typical_p<1 (parameters absent → do_sample). */
export function isSampling(p: Record<string, unknown> | undefined): boolean {
  if (p === undefined) return true;
  const n = (k: string): number | undefined => (typeof p[k] === 'number' ? (p[k] as number) : undefined);
  return (
    p.do_sample === true ||
    (n('temperature') ?? 1) !== 1 ||
    (n('top_k') ?? 0) !== 0 ||
    (n('top_p') ?? 1) < 1 ||
    (n('typical_p') ?? 1) < 1
  );
}

const PREFIX = 'Input validation error: ';

/**
 * TGI's Validation::validate for already well-shaped parameters.
 * `inputTokens` is the (pre-truncation) prompt length. Returns the full error message or null.
 */
export function validateGenerate(
  inputs: string,
  inputTokens: number,
  p: Record<string, unknown> | undefined,
  opts: { stream: boolean },
): string | null {
  const q = p ?? {};
  const n = (k: string): number | undefined => (typeof q[k] === 'number' ? (q[k] as number) : undefined);
  const fail = (m: string) => PREFIX + m;
  const bestOf = n('best_of') ?? 1;
  if (opts.stream) {
    if (bestOf !== 1) return fail('`best_of` != 1 is not supported when streaming tokens');
    if (q.decoder_input_details === true)
      return fail('`decoder_input_details` == true is not supported when streaming tokens');
  } else if (bestOf === 0 || bestOf > TGI_LIMITS.maxBestOf) {
    return fail(`\`best_of\` must be > 0 and <= ${TGI_LIMITS.maxBestOf}. Given: ${bestOf}`);
  }
  const temperature = n('temperature');
  if (temperature !== undefined && temperature <= 0) return fail('`temperature` must be strictly positive');
  const rep = n('repetition_penalty');
  if (rep !== undefined && rep <= 0) return fail('`repetition_penalty` must be strictly positive');
  const freq = n('frequency_penalty');
  if (freq !== undefined && (freq < -2 || freq > 2)) return fail('`frequency_penalty` must be >= -2.0 and <= 2.0');
  const topP = n('top_p');
  if (topP !== undefined && (topP <= 0 || topP >= 1)) return fail('`top_p` must be > 0.0 and < 1.0');
  const typicalP = n('typical_p');
  if (typicalP !== undefined && (typicalP <= 0 || typicalP >= 1)) return fail('`typical_p` must be > 0.0 and < 1.0');
  const topK = n('top_k');
  if (topK !== undefined && topK <= 0) return fail('`top_k` must be strictly positive');
  const maxNew = n('max_new_tokens');
  if (maxNew === 0) return fail('`max_new_tokens` must be strictly positive');
  const stop = Array.isArray(q.stop) ? q.stop : [];
  if (stop.length > TGI_LIMITS.maxStopSequences) {
    return fail(`\`stop\` supports up to ${TGI_LIMITS.maxStopSequences} stop sequences. Given: ${stop.length}`);
  }
  if (bestOf > 1 && !isSampling(p)) return fail('you must use sampling when `best_of` is > 1');
  if (bestOf > 1 && n('seed') !== undefined) return fail('`seed` must not be set when `best_of` > 1');
  const topN = n('top_n_tokens') ?? 0;
  if (topN > TGI_LIMITS.maxTopNTokens)
    return fail(`\`top_n_tokens\` must be >= 0 and <= ${TGI_LIMITS.maxTopNTokens}. Given: ${topN}`);
  const truncate = n('truncate');
  if (truncate !== undefined && (truncate === 0 || truncate > TGI_LIMITS.maxInputTokens)) {
    return fail(
      `\`truncate\` must be strictly positive and less than ${TGI_LIMITS.maxInputTokens}. Given: ${truncate}`,
    );
  }
  if (inputs.length === 0) return fail('`inputs` cannot be empty');
  const inputLength = truncate !== undefined ? Math.min(truncate, inputTokens) : inputTokens;
  if (inputLength > TGI_LIMITS.maxInputTokens) {
    return fail(`\`inputs\` must have less than ${TGI_LIMITS.maxInputTokens} tokens. Given: ${inputLength}`);
  }
  if (maxNew !== undefined && inputLength + maxNew > TGI_LIMITS.maxTotalTokens) {
    return fail(
      `\`inputs\` tokens + \`max_new_tokens\` must be <= ${TGI_LIMITS.maxTotalTokens}. Given: ${inputLength} \`inputs\` tokens and ${maxNew} \`max_new_tokens\``,
    );
  }
  return null;
}
