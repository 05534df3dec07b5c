import type { ExchangeContext, OriginExchange } from '../exchange';
import type { ProtocolPair } from '../pair';
import { chatToAnthropic } from './request-adapter';
import { chatOnAnthropicResponse } from './response-translation';
import { ChatOnAnthropicCodec } from './stream-codec';

/** An OpenAI chat request to an Anthropic model: Messages API (`POST {base}/v1/messages`) both ways. */
export const chatOnAnthropic: ProtocolPair<Record<string, unknown>> = {
  client: 'chat',
  origin: 'anthropic',
  exchange(request: Record<string, unknown>, ctx: ExchangeContext): OriginExchange {
    const clientWantsUsage = (request.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
    const id = `chatcmpl-${ctx.requestId}`;
    return {
      path: '/v1/messages',
      body: chatToAnthropic(request, ctx.originModel, ctx.stream),
      codec: () => new ChatOnAnthropicCodec({ id, endpointName: ctx.endpoint.name, clientWantsUsage }),
      translate: (json) => chatOnAnthropicResponse(json, { id, endpointName: ctx.endpoint.name }),
    };
  },
};
