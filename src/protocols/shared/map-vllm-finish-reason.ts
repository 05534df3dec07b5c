import { errors } from '../../http/errors';
import type { TgiFinishReason } from '../tgi/types';

/**
 * vLLM's `finish_reason` + `stop_reason` in TGI terms (docs/protocols/finish-reasons.md): `length`
 * stays; `stop` with a matched stop string is `stop_sequence`, with an EOS or stop
 * token id it is `eos_token`; `abort` / `error` mean generation failed (TGI's 424).
 */
export function mapVllmFinishReason(finishReason: string | null | undefined, stopReason: unknown): TgiFinishReason {
  if (finishReason === 'length') return 'length';
  if (finishReason === 'stop' || finishReason === 'tool_calls')
    return typeof stopReason === 'string' ? 'stop_sequence' : 'eos_token';
  throw errors.generationFailed(String(finishReason));
}
