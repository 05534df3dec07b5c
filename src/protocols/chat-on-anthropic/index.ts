import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import { chatToAnthropic } from './request-adapter';
import { AnthropicChatCodec } from './stream-codec';
import { translateAnthropicMessage } from './response-translation';

/** An OpenAI chat request to an Anthropic model: Messages API (`POST {base}/v1/messages`) both ways. */
export function chatOnAnthropic(request: Record<string, unknown>, ctx: ExchangeContext): OriginExchange {
  const clientWantsUsage = (request.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
  const id = `chatcmpl-${ctx.requestId}`;
  return {
    path: '/v1/messages',
    body: chatToAnthropic(request, ctx.originModel, ctx.stream),
    codec: () => new AnthropicChatCodec({ id, endpointName: ctx.endpoint.name, clientWantsUsage }),
    translate: (json) => translateAnthropicMessage(json, { id, endpointName: ctx.endpoint.name }),
  };
}
