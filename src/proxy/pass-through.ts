import type { Outcome } from '../metrics/request-log';
import type { StreamScanner } from '../protocols/shared/stream-scanner';
import { abortReason, ClientGone, OriginTimeout } from './abort-reasons';
import { Interrupt } from './interrupt';
import { ERROR_EVENT_GRACE_MS } from './keep-alive';
import { failStream, writeFinal } from './stream-failure';

export interface PassThroughOptions {
  idleMs: number;
  /** The request's controller: client gone, total timeout, key revoked. */
  abort: AbortController;
}

/**
 * The scanner reads the copy at most once per BATCH_MS (and at least 8 times per idle timeout): what
 * arrived meanwhile comes in one read, up to READ_BYTES.
 */
const BATCH_MS = 1_000;
const BATCHES_PER_IDLE = 8;
const READ_BYTES = 32 * 1024;

/**
 * Read buffers, kept for the next read instead of one new 32 KiB buffer per stream (memory
 * outside the JavaScript heap, which V8 counts towards its next collection). Pooling them did
 * not change the bench's pause counts measurably (README, Benchmark results); it is kept as
 * the cheaper habit. A scan holds one only while a read is pending; the scanner copies what it reads.
 */
const POOL_MAX = 64;
const pool: ArrayBuffer[] = [];
const takeBuffer = (): ArrayBuffer => pool.pop() ?? new ArrayBuffer(READ_BYTES);
const giveBuffer = (buffer: ArrayBuffer): void => {
  if (pool.length < POOL_MAX && buffer.byteLength === READ_BYTES) pool.push(buffer);
};

/**
 * Sends the origin's stream to the client as it came, on workerd's native pipe (no
 * JavaScript per chunk), while the scanner reads a copy (`tee`) in batches of many
 * events: the router's CPU per stream is then a few batch reads, not one read and one
 * write per event (src/proxy/pump.ts). The first chunk, already read to know the
 * stream started, is written first.
 *
 * After each read the scanner pauses for a second (or an eighth of the idle timeout)
 * while the next events gather in the copy; the end of the client's side cuts the
 * pause short, so the end of the stream is seen at once. A read returns everything
 * gathered (the copy coalesces): a stream is read about once a second, whatever its
 * pace. (Not `readAtLeast`: the runtime's tee fills both copies together, so a copy
 * waiting for N bytes would hold the client's back until they came.)
 *
 * What it keeps from the pump: the idle timeout (the origin silent for `idleMs`, to
 * within a pause), the total timeout and revocation (through `abort`), the client leaving
 * (the request's signal aborts `abort`; the origin fetch goes with it), an error event
 * appended when the origin fails, times out or ends before `[DONE]`, and the usage:
 * the origin's usage chunk on a finished stream; on a stream cut short, the content
 * chunks of the batches read, which can miss the last second's. What it gives up:
 * keep-alive comments between events (a client that left is known from the request's
 * signal instead), and per-event timing for the gap metric.
 * A client slower than the origin makes the runtime buffer the difference (the tee);
 * the total timeout bounds it. Never throws; resolves to how it ended.
 */
export async function passThrough(
  body: ReadableStream<Uint8Array>,
  first: Uint8Array | undefined,
  writable: WritableStream<Uint8Array>,
  scanner: StreamScanner,
  opts: PassThroughOptions,
): Promise<Outcome> {
  const signal = opts.abort.signal;
  const interrupt = new Interrupt(signal);
  const encoder = new TextEncoder();
  const [toClient, copy] = body.tee();
  const reader = copy.getReader({ mode: 'byob' });
  let lastBatch = Date.now();
  const pauseMs = Math.min(BATCH_MS, opts.idleMs / BATCHES_PER_IDLE);
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const watch = () => {
    const silent = Date.now() - lastBatch;
    if (silent >= opts.idleMs) opts.abort.abort(new OriginTimeout('idle', opts.idleMs));
    else watchdog = setTimeout(watch, opts.idleMs - silent);
  };
  watchdog = setTimeout(watch, opts.idleMs);

  // The client's side: the first chunk, then the rest on the native pipe. The pipe leaves the client's stream
  // open on either end, so the relay can still append the last frame (an error event) once it is done. It takes
  // no abort signal: when the origin's stream ends badly (or a timeout aborts its fetch), the pipe still hands
  // the client what came before, then stops on the error.
  const piped = (async () => {
    const writer = writable.getWriter();
    try {
      if (first?.byteLength) await writer.write(first);
    } finally {
      writer.releaseLock();
    }
    await toClient.pipeTo(writable, { preventClose: true, preventAbort: true });
  })();
  piped.catch(noop); // awaited below; a client that left is told by the request's signal (src/proxy/relay.ts)
  let pipeEnded = false;
  const pipeEnd = piped.then(
    () => void (pipeEnded = true),
    () => void (pipeEnded = true),
  );

  let failed = false;
  let gone = false;
  let reason: ReturnType<typeof abortReason> = null;
  try {
    if (first) scanner.push(first);
    for (;;) {
      const { done, value } = await interrupt.run(reader.read(new Uint8Array(takeBuffer())));
      if (value) {
        if (value.byteLength) {
          scanner.push(value);
          lastBatch = Date.now();
        }
        giveBuffer(value.buffer as ArrayBuffer);
      }
      if (done) break;
      // The next events gather in the copy meanwhile; the client has them already.
      if (!pipeEnded && (!value || value.byteLength < READ_BYTES)) await interrupt.run(pauseUntil(pauseMs, pipeEnd));
    }
    clearTimeout(watchdog);
    // The origin is done; the client takes what is left at its pace, up to the request's total timeout.
    await interrupt.run(piped);
  } catch (err) {
    failed = true;
    reason = abortReason(signal) ?? (err instanceof OriginTimeout ? err : null);
    gone = reason instanceof ClientGone || (!reason && signal.aborted);
    if (!signal.aborted) opts.abort.abort(reason ?? new Error('origin stream failed'));
  } finally {
    clearTimeout(watchdog);
    interrupt.dispose();
  }
  reader.cancel().catch(noop);
  if (gone) return 'aborted';
  return failed ? failedEnd(piped, writable, scanner, encoder, reason) : completedEnd(writable, scanner, encoder);
}

/**
 * The origin's stream ended: the client has it all; the truncation error, if it ended early, goes last (within
 * the grace period, as every final error event: a client that stopped reading does not hold the release).
 */
async function completedEnd(
  writable: WritableStream<Uint8Array>,
  scanner: StreamScanner,
  encoder: TextEncoder,
): Promise<Outcome> {
  const tail = scanner.end();
  const writer = writable.getWriter();
  const outcome = tail ? await writeFinal(writer, encoder, tail) : scanner.errored ? 'failed' : 'completed';
  if (outcome !== 'aborted') writer.close().catch(noop);
  return outcome;
}

/**
 * The origin failed, timed out, or the key was revoked: once the pipe has stopped (the abort stops it), the
 * error event goes last, if the client takes it within the grace period.
 */
async function failedEnd(
  piped: Promise<void>,
  writable: WritableStream<Uint8Array>,
  scanner: StreamScanner,
  encoder: TextEncoder,
  reason: ReturnType<typeof abortReason>,
): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stopped = await Promise.race([
    piped.then(yes, yes),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ERROR_EVENT_GRACE_MS))),
  ]);
  clearTimeout(timer);
  if (!stopped || writable.locked) return 'failed';
  const writer = writable.getWriter();
  const outcome = await failStream(writer, scanner, encoder, reason);
  if (outcome !== 'aborted') writer.close().catch(noop);
  return outcome;
}

/** Resolves after `ms`, or when `end` settles if sooner. */
function pauseUntil(ms: number, end: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([elapsed, end]).finally(() => clearTimeout(timer));
}

function yes(): boolean {
  return true;
}

function noop(): void {}
