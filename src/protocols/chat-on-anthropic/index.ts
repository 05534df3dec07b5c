import type { ExchangeContext, OriginExchange } from '../exchange';
import type { ChatRequest } from '../openai/request-schemas';
import type { ProtocolPair } from '../pair';
import { chatToAnthropic } from './request-adapter';
import { chatOnAnthropicResponse } from './response-translation';
import { ChatOnAnthropicCodec } from './stream-codec';

/** An OpenAI chat request to an Anthropic model: Messages API (`POST {base}/v1/messages`) both ways. */
export const chatOnAnthropic: ProtocolPair<ChatRequest> = {
  client: 'chat',
  origin: 'anthropic',
  exchange(request: ChatRequest, ctx: ExchangeContext): OriginExchange {
    const clientWantsUsage = request.stream_options?.include_usage === true;
    const id = `chatcmpl-${ctx.requestId}`;
    return {
      path: '/v1/messages',
      body: chatToAnthropic(request, ctx.originModel, ctx.stream),
      codec: () => new ChatOnAnthropicCodec({ id, endpointName: ctx.endpoint.name, clientWantsUsage }),
      translate: (json) => chatOnAnthropicResponse(json, { id, endpointName: ctx.endpoint.name }),
    };
  },
};
