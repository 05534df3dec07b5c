import type { Endpoint, ServedEntity } from '../endpoints/schema';
import type { ApiError } from '../http/errors';
import type { ClientProtocol } from './protocol-names';
import type { StreamCodec, TokenCounts } from './shared/stream-codec';
import type { StreamScanner } from './shared/stream-scanner';

/** What a protocol adapter knows about the request it adapts. */
export interface ExchangeContext {
  endpoint: Endpoint;
  entity: ServedEntity;
  /** The model id the origin (or provider) knows the entity's model by. */
  originModel: string;
  requestId: string;
  stream: boolean;
  /**
   * For an external model: its provider's transport (credentials, API base, error
   * mapping), wrapped around the exchange of the pair that talks to the provider
   * (set by the route, which holds the secrets; see external/exchange.ts in this folder).
   */
  provider?: (exchange: OriginExchange) => OriginExchange;
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
  /**
   * Streaming, for pairs whose stream the client gets byte for byte (nothing renamed,
   * nothing dropped): a scanner of the origin's bytes. The relay then sends the stream on
   * workerd's native pipe and reads a copy in batches, instead of `codec` per event.
   */
  passthrough?: () => StreamScanner;
  /** Non-streaming: the client's body and the usage, from the origin's JSON (and headers, for TGI's token counts). */
  translate: (originJson: unknown, originHeaders: Headers) => { body: unknown; usage: TokenCounts };
  /**
   * Non-streaming, for pairs whose answer goes to the client nearly as the origin sent
   * it: the client's body as text, and the usage, read from the origin's text without
   * parsing it; undefined when the text is not one it can read that way (then
   * `translate` does). Must give what `translate` gives, up to JSON formatting.
   */
  translateText?: (originText: string) => { body: string; usage: TokenCounts } | undefined;
  /** More request headers for the origin: a provider's credentials (never logged, never shown). */
  headers?: Record<string, string>;
  /** The origin's error answer in the client's terms, when it is not the default's (providers' error bodies and statuses). */
  failure?: OriginFailureMapper;
  /**
   * Cuts the credentials in `headers` out of a text the origin sent (a provider echoing its key in an
   * error): the transport applies it to every failure text before anything logs, shows or counts it.
   */
  redact?: (text: string) => string;
  /**
   * The protocol the client called (set by `exchangeOf` from the pair): an origin's 404 or 405 is
   * reported as this operation not being served, whatever route the origin was called on.
   */
  client?: ClientProtocol;
}

/** An origin's error answer (status, body text, headers) as the router's error. */
export type OriginFailureMapper = (status: number, body: string, headers: Headers) => ApiError;
