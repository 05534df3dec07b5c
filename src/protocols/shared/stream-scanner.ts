import type { TokenCounts } from './stream-codec';

/**
 * Reads what the router must know from a stream it does not change: the relay
 * sends the origin's bytes to the client on workerd's native pipe and hands the
 * scanner a copy in batches (many events at a time, not one read per event). It
 * finds the usage, the end of the answer and in-stream errors; what it returns
 * from `end` and `fail` is the one frame the relay may still append.
 */
export interface StreamScanner {
  /** The next bytes of the origin's stream, in order (any batch size, events may be cut anywhere). */
  push(chunk: Uint8Array): void;
  /** The origin closed its stream: an error frame if the answer was not complete, else ''. */
  end(): string;
  /** The relay gave up on the origin (timeout, drop): the error frame for the client (once). */
  fail(message: string, code: string): string;
  readonly usage: TokenCounts;
  /** True once the stream carried a complete answer (e.g. `[DONE]`). */
  readonly complete: boolean;
  /** True once the stream carried an error event (or the scanner failed it). */
  readonly errored: boolean;
}
