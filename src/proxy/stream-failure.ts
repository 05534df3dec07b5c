import { ClientGone, KeyRevoked, OriginTimeout } from './abort-reasons';
import { ERROR_EVENT_GRACE_MS } from './keep-alive';
import type { Outcome } from '../metrics/request-log';

/** What tells a stream's failure in the client's protocol: a stream codec, or a pass-through scanner. */
export interface StreamFailure {
  fail(message: string, code: string): string;
}

/** The origin failed or timed out mid-stream: tell the client in its protocol, if it is still there to hear it. */
export async function failStream(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  codec: StreamFailure,
  encoder: TextEncoder,
  reason: OriginTimeout | ClientGone | KeyRevoked | null,
): Promise<Outcome> {
  if (reason instanceof KeyRevoked)
    return writeFinal(writer, encoder, codec.fail('The API key was revoked', 'api_key_revoked'));
  const message =
    reason instanceof OriginTimeout
      ? reason.phase === 'total'
        ? `The response did not finish within ${reason.ms} ms (total timeout)`
        : `The origin sent nothing for ${reason.ms} ms (${reason.phase} timeout)`
      : 'The origin connection failed mid-stream';
  return writeFinal(writer, encoder, codec.fail(message, reason ? 'origin_timeout' : 'origin_stream_failed'));
}

/** Hands the client the stream's final error event, if it takes it within the grace period. */
export async function writeFinal(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  encoder: TextEncoder,
  frame: string,
): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const grace = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('client did not take the error event')), ERROR_EVENT_GRACE_MS);
  });
  try {
    if (frame) await Promise.race([writer.write(encoder.encode(frame)), grace]);
    return 'failed';
  } catch {
    return 'aborted';
  } finally {
    clearTimeout(timer);
  }
}
