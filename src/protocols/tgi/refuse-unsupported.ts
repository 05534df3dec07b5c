import { errors } from '../../http/errors';
import type { ChatRequest, CompletionRequest } from '../openai/request-schemas';
import { TGI_LIMITS } from './limits';

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
    throw errors.unsupportedParameter(
      'presence_penalty',
      'TGI has no presence penalty (its Messages API turns it into repetition_penalty = presence_penalty + 2, a different penalty); leave it out or set it to 0',
      'TGI origin',
    );
  }
  if (!isEmptyBias(request.logit_bias)) {
    throw errors.unsupportedParameter(
      'logit_bias',
      'TGI has no per-token logit bias (its Messages API refuses an OpenAI logit_bias object)',
      'TGI origin',
    );
  }
  const n = request.n;
  if (n != null && n > 1) {
    throw errors.unsupportedParameter(
      'n',
      'TGI generates one choice per request (it ignores n); send n requests instead',
      'TGI origin',
    );
  }
  if (request.seed != null && request.seed < 0) {
    throw errors.unsupportedParameter(
      'seed',
      'TGI takes seeds from 0 to 2^64-1 (a negative one is a deserialization error there)',
      'TGI origin',
    );
  }
}

/** `stop` as the array TGI needs (a bare string is a 422 there); more than 4 refused. */
export function stopList(stop: unknown): string[] | undefined {
  if (stop == null) return undefined;
  const list = typeof stop === 'string' ? [stop] : (stop as string[]);
  if (list.length > TGI_LIMITS.maxStopSequences) {
    throw errors.unsupportedParameter(
      'stop',
      `TGI accepts at most ${TGI_LIMITS.maxStopSequences} stop sequences (${list.length} given)`,
      'TGI origin',
    );
  }
  return list;
}
