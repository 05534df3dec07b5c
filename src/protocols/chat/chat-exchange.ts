import type { ExchangeContext, OriginExchange } from '../exchange';
import { chatOnAnthropic } from '../chat-on-anthropic';
import { chatOnTgi } from '../chat-on-tgi';
import { chatPassthrough } from '../openai-passthrough';
import type { ChatRequest } from '../openai/request-schemas';
import { exchangeOf, originProtocolsOf, type ProtocolPair } from '../pair';

/**
 * What a pair whose client protocol is translated to chat gets: the client's
 * request, and its chat translation, built on first use (the route may need it
 * first, to refuse what the translation cannot carry, and the guardrails read it).
 */
export interface ChatTranslatable<Request> {
  request: Request;
  chat: () => ChatRequest;
}

/** The registry's `chat` row: an OpenAI chat request, by origin protocol. */
export const chatPairs = {
  openai: chatPassthrough,
  tgi: chatOnTgi,
  anthropic: chatOnAnthropic,
} satisfies Partial<Record<string, ProtocolPair<ChatRequest>>>;

/**
 * The router's internal chat path: an OpenAI chat request to the served entity,
 * through the chat pair its origin protocol needs (TGI's Messages API, an
 * OpenAI-compatible origin as is, or an external model's provider). Client
 * protocols translated to chat (Responses, Anthropic Messages) wrap this exchange,
 * so every origin kind the chat route serves serves them too. Streams always ask
 * for usage, which the wrapping codec consumes.
 */
export function chatExchange(chatRequest: ChatRequest, ctx: ExchangeContext): OriginExchange {
  const request = ctx.stream ? { ...chatRequest, stream: true, stream_options: { include_usage: true } } : chatRequest;
  const origin = originProtocolsOf(ctx.entity).find((p): p is keyof typeof chatPairs => p in chatPairs);
  if (origin === undefined) throw new Error(`internal: no chat pair for served entity '${ctx.entity.name}'`);
  return exchangeOf(chatPairs[origin], request, ctx);
}

/** Memoises a translation: `chat()` builds it once, whoever asks first. */
export function once<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: build() }).v;
}
