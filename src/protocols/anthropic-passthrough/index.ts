import type { ExchangeContext, OriginExchange } from '../exchange';
import type { MessagesRequest } from '../anthropic/types';
import type { ChatTranslatable } from '../chat/chat-exchange';
import type { ProtocolPair } from '../pair';
import { withMessagesDefaults } from './request-adapter';
import { anthropicPassthroughResponse } from './response-translation';
import { AnthropicPassthroughCodec } from './stream-codec';

/** What the Messages route hands its pairs. */
export interface MessagesInput extends ChatTranslatable<MessagesRequest> {
  /** The client's `anthropic-beta` header: passed on to Anthropic (which alone knows the betas); other origins ignore it. */
  betas?: string;
}

/**
 * An Anthropic Messages request to an Anthropic model (an external model of
 * provider `anthropic`): `POST {base}/v1/messages` with the body as the client sent
 * it — every field, block and tool included — but `model` (the external model's
 * name) and the endpoint's defaults where the request leaves a field out; the
 * answer's `model` is the endpoint's name. Nothing is translated, so nothing is
 * refused here that Anthropic itself accepts (thinking, server tools, documents), and
 * the client's `anthropic-beta` header goes along with it.
 */
export const anthropicPassthrough: ProtocolPair<MessagesInput> = {
  client: 'messages',
  origin: 'anthropic',
  exchange({ request, betas }: MessagesInput, ctx: ExchangeContext): OriginExchange {
    return {
      path: '/v1/messages',
      ...(betas ? { headers: { 'anthropic-beta': betas } } : {}),
      body: { ...withMessagesDefaults(request, ctx.endpoint.defaults), model: ctx.originModel },
      codec: () => new AnthropicPassthroughCodec(ctx.endpoint.name),
      translate: (json) => anthropicPassthroughResponse(json, ctx.endpoint.name),
    };
  },
};
