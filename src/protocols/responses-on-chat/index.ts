import { applyDefaults } from '../../endpoints/apply-defaults';
import type { ExchangeContext, OriginExchange } from '../exchange';
import { chatExchange, type ChatTranslatable } from '../chat/chat-exchange';
import type { ChatCompletionBody } from '../openai/chat-types';
import type { ProtocolPair } from '../pair';
import type { ResponseShell } from '../responses/response-object';
import type { ResponsesRequest } from '../responses/types';
import { responsesOnChatResponse } from './response-translation';
import { ResponsesOnChatCodec } from './stream-codec';

/**
 * A Responses request on the internal chat path: its chat translation
 * (request-adapter.ts), with the endpoint's defaults applied, goes to the origin
 * through the chat pair its protocol needs, and the answer comes back as a
 * Responses object or event stream.
 */
export const responsesOnChat: ProtocolPair<ChatTranslatable<ResponsesRequest>> = {
  client: 'responses',
  origin: 'chat',
  exchange({ request, chat }: ChatTranslatable<ResponsesRequest>, ctx: ExchangeContext): OriginExchange {
    const inner = chatExchange(applyDefaults('chat', chat(), ctx.endpoint.defaults), ctx);
    const shell: ResponseShell = {
      id: `resp_${ctx.requestId}`,
      createdAt: Math.floor(Date.now() / 1000),
      endpointName: ctx.endpoint.name,
      request,
    };
    return {
      path: inner.path,
      body: inner.body,
      headers: inner.headers,
      failure: inner.failure,
      redact: inner.redact,
      codec: () => new ResponsesOnChatCodec(inner.codec(), shell, ctx.requestId),
      translate: (json, headers) => {
        const answer = inner.translate(json, headers);
        return {
          body: responsesOnChatResponse(answer.body as ChatCompletionBody, answer.usage, shell, ctx.requestId),
          usage: answer.usage,
        };
      },
    };
  },
};
