import { ApiError } from '../../http/api-error';
import type { ChatRequest, CompletionRequest } from '../openai/request-schemas';
import { TGI_LIMITS } from './limits';

/**
 * A 400 for an OpenAI field a TGI origin cannot honour. Refusing is better than
 * dropping whenever the answer would silently differ from what the client asked for.
 */
export function unsupported(param: string, why: string): ApiError {
  return new ApiError(400, `'${param}' is not supported by this endpoint's TGI origin: ${why}`, {
    param,
    code: 'unsupported_parameter',
  });
}

/** True for null, undefined, `{}` and `[]`: a `logit_bias` that asks for nothing. */
export function isEmptyBias(value: unknown): boolean {
  if (value == null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** Common refusals of the chat and completions mappings. */
export function refuseCommon(request: ChatRequest | CompletionRequest): void {
  const presence = request.presence_penalty;
  if (presence != null && presence !== 0) {
    throw unsupported(
      'presence_penalty',
      'TGI has no presence penalty (its Messages API turns it into repetition_penalty = presence_penalty + 2, a different penalty); leave it out or set it to 0',
    );
  }
  if (!isEmptyBias(request.logit_bias)) {
    throw unsupported(
      'logit_bias',
      'TGI has no per-token logit bias (its Messages API refuses an OpenAI logit_bias object)',
    );
  }
  const n = request.n;
  if (n != null && n > 1) {
    throw unsupported('n', 'TGI generates one choice per request (it ignores n); send n requests instead');
  }
  if (request.seed != null && request.seed < 0) {
    throw unsupported('seed', 'TGI takes seeds from 0 to 2^64-1 (a negative one is a deserialization error there)');
  }
}

/** `stop` as the array TGI needs (a bare string is a 422 there); more than 4 refused. */
export function stopList(stop: unknown): string[] | undefined {
  if (stop == null) return undefined;
  const list = typeof stop === 'string' ? [stop] : (stop as string[]);
  if (list.length > TGI_LIMITS.maxStopSequences) {
    throw unsupported(
      'stop',
      `TGI accepts at most ${TGI_LIMITS.maxStopSequences} stop sequences (${list.length} given)`,
    );
  }
  return list;
}
