/**
 * SSE comment keep-alives: a line starting with `:` is skipped by every SSE
 * client (the openai and Anthropic SDKs, eventsource-parser, huggingface's
 * client), so the router can write one whenever the origin is silent. Their use
 * is the write itself: a client that has gone makes it fail, which frees the
 * request's slot and aborts the origin within seconds instead of at a timeout.
 */
export const KEEP_ALIVE_MS = 1_000;
export const KEEP_ALIVE_FRAME = ': keep-alive\n\n';

/**
 * How long a streaming request waits for the origin's first event with its HTTP
 * status held back. A failure within it is a clean status (429, 502, 504...);
 * after it the router answers 200 and sends keep-alives while the wait (and any
 * failover) goes on, and a later failure becomes an error event in the stream.
 */
export const STATUS_HOLD_MS = 2_000;

/** How long the router waits to hand the client its final error event before giving up on the client. */
export const ERROR_EVENT_GRACE_MS = 2_000;

/** Writes a keep-alive every KEEP_ALIVE_MS until stopped; a write that fails ends it (the writer's `closed` says why). */
export function keepAlive(writer: WritableStreamDefaultWriter<Uint8Array>): { stop: () => void } {
  const frame = new TextEncoder().encode(KEEP_ALIVE_FRAME);
  let stopped = false;
  let wake: () => void = () => undefined;
  void (async () => {
    while (!stopped) {
      try {
        await writer.write(frame);
      } catch {
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, KEEP_ALIVE_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    // A write still pending (a client that is not reading) stays queued ahead of whatever comes next.
    stop: () => {
      stopped = true;
      wake();
    },
  };
}
