import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import type { MessagesRequest } from '../anthropic/types';
import { chatExchange } from '../chat/chat-exchange';
import type { ChatCompletionBody } from '../openai/chat-types';
import { messageFromChat } from './response-translation';
import { AnthropicFromChatCodec } from './stream-codec';

/**
 * An Anthropic Messages request on the internal chat path: `chatRequest` (from
 * request-adapter.ts, with the endpoint's defaults applied) goes to the origin
 * through the chat adapter its protocol needs, and the answer comes back as an
 * Anthropic message or event stream.
 */
export function anthropicOnChat(req: MessagesRequest, chatRequest: Record<string, unknown>, ctx: ExchangeContext): OriginExchange {
  const inner = chatExchange(chatRequest, ctx);
  const opts = { id: `msg_${ctx.requestId}`, endpointName: ctx.endpoint.name, requestId: ctx.requestId, stops: req.stop_sequences ?? [] };
  return {
    path: inner.path,
    body: inner.body,
    headers: inner.headers,
    failure: inner.failure,
    codec: () => new AnthropicFromChatCodec(inner.codec(), opts),
    translate: (json, headers) => {
      const chat = inner.translate(json, headers);
      return { body: messageFromChat(chat.body as ChatCompletionBody, chat.usage, opts), usage: chat.usage };
    },
  };
}
