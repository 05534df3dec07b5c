import type { StreamCodec } from '../protocols/stream-codec';
import { abortReason, ClientGone, OriginTimeout } from './abort-reasons';
import { readBefore } from './read-before';

export type Outcome = 'completed' | 'aborted' | 'failed';

export interface PumpOptions {
  idleMs: number;
  totalMs: number;
  /** Absolute time (ms since epoch) after which the stream is cut. */
  deadline: number;
  abort: AbortController;
}

/**
 * Moves the origin's stream to the client as it arrives: each origin chunk is
 * decoded, re-framed by the codec and written before the next read. Ends on the
 * origin's end, a timeout (an error event goes to the client), the origin
 * failing mid-way (an error event too) or the client leaving (the origin fetch
 * is aborted, so the GPU stops). Never throws; resolves to how it ended.
 */
export async function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: ReadableStreamReadResult<Uint8Array>,
  client: WritableStream<Uint8Array>,
  codec: StreamCodec,
  opts: PumpOptions,
): Promise<Outcome> {
  const writer = client.getWriter();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  // The client cancelling the response body errors our writable side.
  writer.closed.catch(() => opts.abort.abort(new ClientGone()));
  const write = async (text: string) => {
    if (text) await writer.write(encoder.encode(text));
  };
  let outcome: Outcome;
  try {
    for (let next: ReadableStreamReadResult<Uint8Array> | null = first; ; next = null) {
      const { done, value } = next ?? (await readWithin(reader, opts));
      if (done) {
        await write(codec.end());
        outcome = codec.errored ? 'failed' : 'completed';
        break;
      }
      await write(codec.push(decoder.decode(value, { stream: true })));
    }
  } catch (err) {
    const reason = abortReason(opts.abort.signal) ?? (err instanceof OriginTimeout ? err : null);
    if (reason instanceof ClientGone || (!reason && opts.abort.signal.aborted)) {
      outcome = 'aborted';
    } else {
      if (!opts.abort.signal.aborted) opts.abort.abort(reason ?? new Error('origin stream failed'));
      const message =
        reason instanceof OriginTimeout
          ? `The origin sent nothing for ${reason.ms} ms (${reason.phase} timeout)`
          : 'The origin connection failed mid-stream';
      outcome = (await write(codec.fail(message, reason ? 'origin_timeout' : 'origin_stream_failed')).then(
        () => 'failed',
        () => 'aborted',
      )) as Outcome;
    }
  }
  await writer.close().catch(() => undefined);
  reader.cancel().catch(() => undefined);
  return outcome;
}

function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  opts: PumpOptions,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const remaining = opts.deadline - Date.now();
  return remaining < opts.idleMs ? readBefore(reader, remaining, 'total', opts.totalMs) : readBefore(reader, opts.idleMs, 'idle', opts.idleMs);
}
