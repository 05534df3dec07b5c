import { isExternal } from '../../endpoints/schema';
import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import { openaiPassthrough } from '../openai-passthrough';
import { openaiOnTgi } from '../chat-on-tgi';

/**
 * The router's internal chat path: an OpenAI chat request to the served entity,
 * through the adapter its protocol needs (TGI's Messages API, an OpenAI-compatible
 * origin as is, or an external model's provider). Client protocols translated to chat (Responses, Anthropic Messages)
 * wrap this exchange, so every origin kind the chat route serves serves them too.
 * Streams always ask for usage, which the wrapping codec consumes.
 */
export function chatExchange(chatRequest: Record<string, unknown>, ctx: ExchangeContext): OriginExchange {
  const request = ctx.stream ? { ...chatRequest, stream: true, stream_options: { include_usage: true } } : chatRequest;
  if (ctx.external) return ctx.external('chat', request);
  if (isExternal(ctx.entity)) throw new Error('internal: an external model without its provider exchange');
  return ctx.entity.protocol === 'tgi' ? openaiOnTgi('chat', request, ctx) : openaiPassthrough('chat', request, ctx);
}
