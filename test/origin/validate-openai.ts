// vLLM OpenAI-server validation (docs/protocols/openai.md) as pure functions.
// Each returns null when the request passes, or the 400 error's message/param.

import { isObject } from './plan.ts';

export type OpenAIError = { message: string; param: string | null };

export const MAX_MODEL_LEN = 4096;
export const MAX_LOGPROBS = 20;

const NUMBER_FIELDS = [
  'temperature',
  'top_p',
  'top_k',
  'min_p',
  'presence_penalty',
  'frequency_penalty',
  'repetition_penalty',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'seed',
  'min_tokens',
  'top_logprobs',
  'best_of',
  'prompt_logprobs',
];

/** Python's float repr for whole numbers ("1.0"), as vLLM's f-strings print floats. */
function pyFloat(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

function pydantic(type: string, field: string, msg: string): OpenAIError {
  return { message: `[{'type': '${type}', 'loc': ('body', '${field}'), 'msg': '${msg}'}]`, param: null };
}

function err(message: string, param: string | null = null): OpenAIError {
  return { message, param };
}

/** Pydantic-level shape checks (wrong JSON types, missing required fields). */
export function checkShape(body: unknown, kind: 'chat' | 'completion' | 'embedding'): OpenAIError | null {
  if (!isObject(body)) return pydantic('model_attributes_type', 'body', 'Input should be a valid dictionary or object');
  if (kind === 'chat' && !Array.isArray(body.messages)) {
    return body.messages === undefined
      ? pydantic('missing', 'messages', 'Field required')
      : pydantic('list_type', 'messages', 'Input should be a valid list');
  }
  if (kind === 'completion' && typeof body.prompt !== 'string' && !Array.isArray(body.prompt)) {
    return body.prompt === undefined
      ? pydantic('missing', 'prompt', 'Field required')
      : pydantic('string_type', 'prompt', 'Input should be a valid string');
  }
  if (kind === 'embedding' && typeof body.input !== 'string' && !Array.isArray(body.input)) {
    return body.input === undefined
      ? pydantic('missing', 'input', 'Field required')
      : pydantic('string_type', 'input', 'Input should be a valid string');
  }
  for (const f of NUMBER_FIELDS) {
    const v = body[f];
    if (v !== undefined && v !== null && typeof v !== 'number') {
      return pydantic('float_type', f, 'Input should be a valid number');
    }
  }
  const stop = body.stop;
  if (
    stop !== undefined &&
    stop !== null &&
    typeof stop !== 'string' &&
    !(Array.isArray(stop) && stop.every((s) => typeof s === 'string'))
  ) {
    return pydantic('string_type', 'stop', 'Input should be a valid string');
  }
  if (body.model !== undefined && body.model !== null && typeof body.model !== 'string') {
    return pydantic('string_type', 'model', 'Input should be a valid string');
  }
  return null;
}

/** The request-level model validators of ChatCompletionRequest / CompletionRequest. */
export function checkCombinations(body: Record<string, unknown>, kind: 'chat' | 'completion'): OpenAIError | null {
  if (body.stream_options != null && body.stream !== true) {
    return err('Stream options can only be defined when `stream=True`.');
  }
  if (body.stream === true && body.prompt_logprobs != null) {
    return err('`prompt_logprobs` are not available when `stream=True`.');
  }
  if (kind === 'chat') {
    const top = body.top_logprobs;
    if (typeof top === 'number' && top < 0) return err('`top_logprobs` must be a positive value.');
    if (typeof top === 'number' && top > 0 && body.logprobs !== true) {
      return err('when using `top_logprobs`, `logprobs` must be set to true.');
    }
  } else {
    if (typeof body.logprobs === 'number' && body.logprobs < 0) return err('`logprobs` must be a positive value.');
  }
  return null;
}

/** "This model's maximum context length is …" (checked before sampling parameters). */
export function checkContext(
  promptTokens: number,
  maxTokens: number | null,
  kind: 'chat' | 'completion',
): OpenAIError | null {
  if (promptTokens >= MAX_MODEL_LEN && maxTokens === null) {
    return err(
      `This model's maximum context length is ${MAX_MODEL_LEN} tokens. However, your request has ${promptTokens} input tokens. Please reduce the length of the input messages.`,
    );
  }
  if (maxTokens !== null && promptTokens + maxTokens > MAX_MODEL_LEN) {
    const where = kind === 'chat' ? 'messages' : 'prompt';
    return err(
      `This model's maximum context length is ${MAX_MODEL_LEN} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the ${where}, ${maxTokens} in the completion). Please reduce the length of the ${where} or completion.`,
    );
  }
  return null;
}

/** SamplingParams._verify_args and friends. */
export function checkSampling(body: Record<string, unknown>, kind: 'chat' | 'completion'): OpenAIError | null {
  const num = (k: string): number | undefined => (typeof body[k] === 'number' ? (body[k] as number) : undefined);
  const n = num('n') ?? 1;
  if (n < 1) return err(`n must be at least 1, got ${n}.`);
  for (const k of ['presence_penalty', 'frequency_penalty']) {
    const v = num(k);
    if (v !== undefined && (v < -2 || v > 2)) return err(`${k} must be in [-2, 2], got ${pyFloat(v)}.`);
  }
  const rep = num('repetition_penalty');
  if (rep !== undefined && rep <= 0) return err(`repetition_penalty must be greater than zero, got ${pyFloat(rep)}.`);
  const temperature = num('temperature');
  if (temperature !== undefined && temperature < 0)
    return err(`temperature must be non-negative, got ${pyFloat(temperature)}.`);
  const topP = num('top_p');
  if (topP !== undefined && (topP <= 0 || topP > 1)) return err(`top_p must be in (0, 1], got ${pyFloat(topP)}.`);
  const topK = num('top_k');
  if (topK !== undefined && topK < -1) {
    return err(`top_k must be 0 (disable), -1 (disable), or at least 1, got ${topK}.`);
  }
  const minP = num('min_p');
  if (minP !== undefined && (minP < 0 || minP > 1)) return err(`min_p must be in [0, 1], got ${pyFloat(minP)}.`);
  const maxTokens = num('max_completion_tokens') ?? num('max_tokens');
  if (maxTokens !== undefined && maxTokens < 1) return err(`max_tokens must be at least 1, got ${maxTokens}.`);
  const minTokens = num('min_tokens');
  if (minTokens !== undefined && minTokens < 0)
    return err(`min_tokens must be greater than or equal to 0, got ${minTokens}.`);
  const logprobs =
    kind === 'chat' ? (body.logprobs === true ? (num('top_logprobs') ?? 0) : undefined) : num('logprobs');
  if (logprobs !== undefined && logprobs > MAX_LOGPROBS) {
    return err(`Requested sample logprobs of ${logprobs}, which is greater than max allowed: ${MAX_LOGPROBS}`);
  }
  if (temperature === 0 && n > 1) return err(`n must be 1 when using greedy sampling, got ${n}.`);
  if (n > 1) return err('n > 1 is not supported by the origin emulator', 'n');
  return null;
}
