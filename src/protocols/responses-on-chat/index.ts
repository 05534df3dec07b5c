import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import { chatExchange } from '../chat/chat-exchange';
import type { ChatCompletionBody } from '../openai/chat-types';
import type { ResponseShell } from '../responses/response-object';
import type { ResponsesRequest } from '../responses/types';
import { responseFromChat } from './response-translation';
import { ResponsesFromChatCodec } from './stream-codec';

/**
 * A Responses request on the internal chat path: `chatRequest` (from
 * request-adapter.ts, with the endpoint's defaults applied) goes to the origin
 * through the chat adapter its protocol needs, and the answer comes back as a
 * Responses object or event stream.
 */
export function responsesOnChat(req: ResponsesRequest, chatRequest: Record<string, unknown>, ctx: ExchangeContext): OriginExchange {
  const inner = chatExchange(chatRequest, ctx);
  const shell: ResponseShell = { id: `resp_${ctx.requestId}`, createdAt: Math.floor(Date.now() / 1000), endpointName: ctx.endpoint.name, request: req };
  return {
    path: inner.path,
    body: inner.body,
    headers: inner.headers,
    failure: inner.failure,
    codec: () => new ResponsesFromChatCodec(inner.codec(), shell, ctx.requestId),
    translate: (json, headers) => {
      const chat = inner.translate(json, headers);
      return { body: responseFromChat(chat.body as ChatCompletionBody, chat.usage, shell, ctx.requestId), usage: chat.usage };
    },
  };
}
