import type { ExchangeContext, OriginExchange } from '../exchange';
import type { ChatRequest } from '../openai/request-schemas';
import type { ProtocolPair } from '../pair';
import { chatToTgi } from './request-adapter';
import { chatOnTgiResponse } from './response-translation';
import { ChatOnTgiCodec } from './stream-codec';

/**
 * An OpenAI chat request to a TGI origin: TGI's own Messages API
 * (`POST /v1/chat/completions`) with its traps fixed (request-adapter.ts). Fields
 * TGI cannot honour are refused with a 400, before a slot is taken.
 */
export const chatOnTgi: ProtocolPair<ChatRequest> = {
  client: 'chat',
  origin: 'tgi',
  exchange(request: ChatRequest, ctx: ExchangeContext): OriginExchange {
    const clientWantsUsage = request.stream_options?.include_usage === true;
    const id = `chatcmpl-${ctx.requestId}`;
    return {
      path: '/v1/chat/completions',
      body: chatToTgi(request, ctx.originModel, ctx.stream),
      codec: () => new ChatOnTgiCodec({ endpointName: ctx.endpoint.name, id, clientWantsUsage }),
      translate: (json) => chatOnTgiResponse(json, ctx.endpoint.name, ctx.requestId),
    };
  },
};
