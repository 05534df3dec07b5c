/** Token counts as far as a response has told them. */
export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
}

/**
 * Turns an origin's SSE text into the client's frames, chunk by chunk. The relay
 * calls `push` for each chunk the origin sends and writes what comes back at once.
 */
export interface StreamCodec {
  push(text: string): string;
  /**
   * The same on raw bytes, for codecs that can pass most of a stream through without
   * decoding it (the relay uses it instead of `push` when a codec has it).
   */
  pushBytes?(chunk: Uint8Array): Uint8Array;
  /** The origin closed its stream normally: what to send last (an error event if it ended early). */
  end(): string;
  /** The relay gave up on the origin (timeout, drop): the error frame for the client. */
  fail(message: string, code: string): string;
  /**
   * From now on, `redact` (an external model's: its provider's key cut out) is applied to every text the
   * origin's stream carries (each event's data, comments) before the codec reads it, so an error event the
   * provider sends, and any message built or shortened from it, never holds the key. Set by the provider
   * transport (src/protocols/external/exchange.ts); a codec that wraps another passes it on.
   */
  redactOrigin(redact: (text: string) => string): void;
  readonly usage: TokenCounts;
  /** True once the stream carried a complete answer (e.g. `[DONE]`). */
  readonly complete: boolean;
  /** True once the stream carried an error event. */
  readonly errored: boolean;
}
