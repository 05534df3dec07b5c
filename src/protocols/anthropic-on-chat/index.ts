import { applyDefaults } from '../../endpoints/apply-defaults';
import type { ExchangeContext, OriginExchange } from '../exchange';
import type { MessagesRequest } from '../anthropic/types';
import { chatExchange, type ChatTranslatable } from '../chat/chat-exchange';
import type { ChatCompletionBody } from '../openai/chat-types';
import type { ProtocolPair } from '../pair';
import { anthropicOnChatResponse } from './response-translation';
import { AnthropicOnChatCodec } from './stream-codec';

/**
 * An Anthropic Messages request on the internal chat path: its chat translation
 * (request-adapter.ts), with the endpoint's defaults applied, goes to the origin
 * through the chat pair its protocol needs, and the answer comes back as an
 * Anthropic message or event stream.
 */
export const anthropicOnChat: ProtocolPair<ChatTranslatable<MessagesRequest>> = {
  client: 'messages',
  origin: 'chat',
  exchange({ request, chat }: ChatTranslatable<MessagesRequest>, ctx: ExchangeContext): OriginExchange {
    const inner = chatExchange(applyDefaults('chat', chat(), ctx.endpoint.defaults), ctx);
    const opts = {
      id: `msg_${ctx.requestId}`,
      endpointName: ctx.endpoint.name,
      requestId: ctx.requestId,
      stops: request.stop_sequences ?? [],
    };
    return {
      path: inner.path,
      body: inner.body,
      headers: inner.headers,
      failure: inner.failure,
      redact: inner.redact,
      codec: () => new AnthropicOnChatCodec(inner.codec(), opts),
      translate: (json, headers) => {
        const answer = inner.translate(json, headers);
        return {
          body: anthropicOnChatResponse(answer.body as ChatCompletionBody, answer.usage, opts),
          usage: answer.usage,
        };
      },
    };
  },
};
