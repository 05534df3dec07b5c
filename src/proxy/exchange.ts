import type { Endpoint, ServedEntity } from '../endpoints/schema';
import type { StreamCodec, TokenCounts } from '../protocols/stream-codec';

/** What a protocol adapter knows about the request it adapts. */
export interface ExchangeContext {
  endpoint: Endpoint;
  entity: ServedEntity;
  requestId: string;
  stream: boolean;
}

/**
 * One request as the origin must see it, and how to turn the origin's answer
 * into the client's: the seam between the client's protocol and the origin's.
 */
export interface OriginExchange {
  /** Origin route, e.g. `/v1/chat/completions` or `/generate_stream`. */
  path: string;
  body: unknown;
  /** Streaming: re-frames the origin's SSE for the client. */
  codec: () => StreamCodec;
  /** Non-streaming: the client's body and the usage, from the origin's JSON (and headers, for TGI's token counts). */
  translate: (originJson: unknown, originHeaders: Headers) => { body: unknown; usage: TokenCounts };
}
