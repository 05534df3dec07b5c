import type { Outcome } from '../metrics/request-log';
import type { StreamCodec } from '../protocols/shared/stream-codec';
import { abortReason, ClientGone, OriginTimeout } from './abort-reasons';
import { Interrupt } from './interrupt';
import { KEEP_ALIVE_FRAME, KEEP_ALIVE_MS } from './keep-alive';
import { failStream } from './stream-failure';

export type { Outcome };

export interface PumpOptions {
  idleMs: number;
  /**
   * The request's controller. Its total timeout aborts it (src/proxy/relay.ts), which
   * cuts the stream, pending reads and writes to a client that never drains included.
   */
  abort: AbortController;
  /** Called as each origin chunk arrives, with its time (metrics: inter-token gaps). */
  onChunk?: (now: number) => void;
}

/**
 * Moves the origin's stream to the client as it arrives: each origin chunk is
 * re-framed by the codec and queued for the client before the next read (the read
 * waits for the client only when the response buffer is full). While the origin is
 * silent, an SSE comment (`: keep-alive`, which every SSE client skips) goes out
 * every KEEP_ALIVE_MS, so a client that has left is noticed by the failed write
 * within seconds, not at the idle timeout. Ends on the origin's end, a timeout
 * (an error event goes to the client), the origin failing mid-way (an error event
 * too) or the client leaving (the origin fetch is aborted, so the GPU stops).
 * Never throws; resolves to how it ended.
 *
 * Per chunk it only reads, re-frames and writes: the idle timeout and the
 * keep-alives share one timer per stream that looks at the time of the last
 * chunk when it fires (at most once per KEEP_ALIVE_MS), instead of a timer and a
 * promise race per read.
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
  const interrupt = new Interrupt(signal);
  // The client cancelling the response body errors our writable side.
  writer.closed.catch(() => opts.abort.abort(new ClientGone()));
  // When the router last started waiting for the origin (after its previous chunk was written).
  let waitingSince = Date.now();
  let writing = false;
  let beating = false;
  let watchdog: ReturnType<typeof setTimeout>;
  const keepAliveFrame = encoder.encode(KEEP_ALIVE_FRAME);
  // Idle timeout and keep-alives: one timer, re-armed from the time the router started waiting.
  // While a write is pending (a client that is not reading) neither applies: the total deadline does.
  const watch = () => {
    if (signal.aborted) return;
    const silent = Date.now() - waitingSince;
    if (!writing) {
      if (silent >= opts.idleMs) {
        opts.abort.abort(new OriginTimeout('idle', opts.idleMs));
        return;
      }
      if (silent >= KEEP_ALIVE_MS && !beating) {
        beating = true;
        writer.write(keepAliveFrame).then(
          () => (beating = false),
          () => undefined, // the writer's `closed` tells the client left
        );
      }
    }
    const next = writing ? KEEP_ALIVE_MS : Math.min(KEEP_ALIVE_MS - (silent % KEEP_ALIVE_MS), opts.idleMs - silent);
    watchdog = setTimeout(watch, Math.max(next, 1));
  };
  watchdog = setTimeout(watch, Math.min(KEEP_ALIVE_MS, opts.idleMs));
  // A write resolves only once the client side has taken the chunk, so waiting for each one would hold every read
  // behind the client's socket. Chunks are queued while the response buffer has room, and the pump waits
  // (interruptibly) only when it is full, or for the stream's last chunk (`drain`).
  const write = (bytes: Uint8Array | string, drain = false): Promise<void> | undefined => {
    const chunk = typeof bytes === 'string' ? (bytes ? encoder.encode(bytes) : null) : bytes.byteLength ? bytes : null;
    if (!chunk) return undefined;
    const written = writer.write(chunk);
    if (!drain && (writer.desiredSize ?? 0) > 0) {
      written.catch(noop); // a client that left shows in `writer.closed`
      return undefined;
    }
    writing = true;
    return interrupt.run(written).finally(() => {
      writing = false;
    });
  };
  let outcome: Outcome;
  try {
    for (let next: ReadableStreamReadResult<Uint8Array> | null = first; ; next = null) {
      const { done, value } = next ?? (await interrupt.run(reader.read()));
      if (done) {
        await write(codec.end(), true);
        outcome = codec.errored ? 'failed' : 'completed';
        break;
      }
      const now = Date.now();
      opts.onChunk?.(now);
      const full = write(
        codec.pushBytes ? codec.pushBytes(value) : codec.push(decoder.decode(value, { stream: true })),
      );
      if (full) {
        await full;
        waitingSince = Date.now();
      } else {
        waitingSince = now;
      }
    }
  } catch (err) {
    const reason = abortReason(signal) ?? (err instanceof OriginTimeout ? err : null);
    outcome =
      reason instanceof ClientGone || (!reason && signal.aborted)
        ? 'aborted'
        : await failStream(writer, codec, encoder, reason);
    if (!signal.aborted) opts.abort.abort(reason ?? new Error('origin stream failed'));
  } finally {
    clearTimeout(watchdog);
    interrupt.dispose();
  }
  reader.cancel().catch(() => undefined);
  // Not awaited: the origin is done; the client drains what is queued at its own pace.
  writer.close().catch(() => undefined);
  return outcome;
}

function noop(): void {}
