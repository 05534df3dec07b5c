import type { Outcome } from '../metrics/request-log';
import type { StreamCodec } from '../protocols/shared/stream-codec';
import { abortReason, ClientGone, KeyRevoked, OriginTimeout } from './abort-reasons';
import { ERROR_EVENT_GRACE_MS, KEEP_ALIVE_FRAME, KEEP_ALIVE_MS } from './keep-alive';
import { readBefore } from './read-before';

export type { Outcome };

export interface PumpOptions {
  idleMs: number;
  totalMs: number;
  /** Absolute time (ms since epoch) after which the stream is cut. */
  deadline: number;
  abort: AbortController;
  /** Called as each origin chunk arrives (metrics: inter-token gaps). */
  onChunk?: () => void;
}

/**
 * Moves the origin's stream to the client as it arrives: each origin chunk is
 * decoded, re-framed by the codec and written before the next read. While the
 * origin is silent, an SSE comment (`: keep-alive`, which every SSE client
 * skips) goes out every KEEP_ALIVE_MS, so a client that has left is noticed by
 * the failed write within seconds, not at the idle timeout. Ends on the origin's
 * end, a timeout (an error event goes to the client), the origin failing mid-way
 * (an error event too) or the client leaving (the origin fetch is aborted, so the
 * GPU stops). Never throws; resolves to how it ended.
 */
export async function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: ReadableStreamReadResult<Uint8Array>,
  writer: WritableStreamDefaultWriter<Uint8Array>,
  codec: StreamCodec,
  opts: PumpOptions,
): Promise<Outcome> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const signal = opts.abort.signal;
  // The client cancelling the response body errors our writable side.
  writer.closed.catch(() => opts.abort.abort(new ClientGone()));
  // The total deadline also bounds writes a slow (or vanished) client never drains.
  const deadline = setTimeout(() => opts.abort.abort(new OriginTimeout('total', opts.totalMs)), Math.max(opts.deadline - Date.now(), 0));
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  const write = (text: string) => (text ? Promise.race([writer.write(encoder.encode(text)), aborted]) : Promise.resolve());
  let outcome: Outcome;
  try {
    for (let next: ReadableStreamReadResult<Uint8Array> | null = first; ; next = null) {
      const { done, value } = next ?? (await readKeepingAlive(readWithin(reader, opts), aborted, () => write(KEEP_ALIVE_FRAME)));
      if (done) {
        await write(codec.end());
        outcome = codec.errored ? 'failed' : 'completed';
        break;
      }
      opts.onChunk?.();
      await write(codec.push(decoder.decode(value, { stream: true })));
    }
  } catch (err) {
    const reason = abortReason(signal) ?? (err instanceof OriginTimeout ? err : null);
    outcome = reason instanceof ClientGone || (!reason && signal.aborted) ? 'aborted' : await failStream(writer, codec, encoder, reason);
    if (!signal.aborted) opts.abort.abort(reason ?? new Error('origin stream failed'));
  } finally {
    clearTimeout(deadline);
  }
  reader.cancel().catch(() => undefined);
  // Not awaited: the origin is done; the client drains what is queued at its own pace.
  writer.close().catch(() => undefined);
  return outcome;
}

/** The origin failed or timed out mid-stream: tell the client in its protocol, if it is still there to hear it. */
async function failStream(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  codec: StreamCodec,
  encoder: TextEncoder,
  reason: OriginTimeout | ClientGone | KeyRevoked | null,
): Promise<Outcome> {
  if (reason instanceof KeyRevoked) return writeFinal(writer, encoder, codec.fail('The API key was revoked', 'api_key_revoked'));
  const message =
    reason instanceof OriginTimeout
      ? reason.phase === 'total'
        ? `The response did not finish within ${reason.ms} ms (total timeout)`
        : `The origin sent nothing for ${reason.ms} ms (${reason.phase} timeout)`
      : 'The origin connection failed mid-stream';
  return writeFinal(writer, encoder, codec.fail(message, reason ? 'origin_timeout' : 'origin_stream_failed'));
}

/** Hands the client the stream's final error event, if it takes it within the grace period. */
async function writeFinal(writer: WritableStreamDefaultWriter<Uint8Array>, encoder: TextEncoder, frame: string): Promise<Outcome> {
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

const TICK = Symbol('keep-alive tick');

/** Awaits the origin's next chunk; every KEEP_ALIVE_MS of silence meanwhile, sends a keep-alive comment. */
async function readKeepingAlive<T>(read: Promise<T>, aborted: Promise<never>, keepAlive: () => Promise<unknown>): Promise<T> {
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = new Promise<typeof TICK>((resolve) => {
      timer = setTimeout(() => resolve(TICK), KEEP_ALIVE_MS);
    });
    try {
      const next = await Promise.race([read, tick, aborted]);
      if (next !== TICK) return next;
    } finally {
      clearTimeout(timer);
    }
    await keepAlive();
  }
}

function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  opts: PumpOptions,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const remaining = opts.deadline - Date.now();
  return remaining < opts.idleMs ? readBefore(reader, remaining, 'total', opts.totalMs) : readBefore(reader, opts.idleMs, 'idle', opts.idleMs);
}
