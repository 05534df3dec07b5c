import type { ExchangeContext, OriginExchange } from '../exchange';
import type { MessagesRequest } from '../anthropic/types';
import type { ChatTranslatable } from '../chat/chat-exchange';
import type { ProtocolPair } from '../pair';
import { withMessagesDefaults } from './request-adapter';
import { anthropicPassthroughResponse } from './response-translation';
import { AnthropicPassthroughCodec } from './stream-codec';

/**
 * An Anthropic Messages request to an Anthropic model (an external model of
 * provider `anthropic`): `POST {base}/v1/messages` with the body as the client sent
 * it — every field, block and tool included — but `model` (the external model's
 * name) and the endpoint's defaults where the request leaves a field out; the
 * answer's `model` is the endpoint's name. Nothing is translated, so nothing is
 * refused here that Anthropic itself accepts (thinking, server tools, documents).
 */
export const anthropicPassthrough: ProtocolPair<ChatTranslatable<MessagesRequest>> = {
  client: 'messages',
  origin: 'anthropic',
  exchange({ request }: ChatTranslatable<MessagesRequest>, ctx: ExchangeContext): OriginExchange {
    return {
      path: '/v1/messages',
      body: { ...withMessagesDefaults(request, ctx.endpoint.defaults), model: ctx.originModel },
      codec: () => new AnthropicPassthroughCodec(ctx.endpoint.name),
      translate: (json) => anthropicPassthroughResponse(json, ctx.endpoint.name),
    };
  },
};
