import type { ExchangeContext, OriginExchange } from '../exchange';
import type { ChatTranslatable } from '../chat/chat-exchange';
import type { ProtocolPair } from '../pair';
import type { ResponsesRequest } from '../responses/types';
import { withResponsesDefaults } from './request-adapter';
import { responsesPassthroughResponse } from './response-translation';
import { ResponsesPassthroughCodec } from './stream-codec';

/**
 * A Responses request to an origin that serves `/v1/responses` itself (a served
 * entity with `responses_api: true`, e.g. vLLM): same route and body, the
 * endpoint's defaults where the Responses API has a field for them, `model` set to
 * the origin's id and `store: false` (the router keeps nothing, and neither should
 * the origin on its behalf); the answer's `model` is the endpoint's name.
 */
export const responsesPassthrough: ProtocolPair<ChatTranslatable<ResponsesRequest>> = {
  client: 'responses',
  origin: 'openai-responses',
  exchange({ request }: ChatTranslatable<ResponsesRequest>, ctx: ExchangeContext): OriginExchange {
    const req = withResponsesDefaults(request, ctx.endpoint.defaults);
    return {
      path: '/v1/responses',
      body: { ...req, model: ctx.originModel, store: false, stream: ctx.stream },
      codec: () => new ResponsesPassthroughCodec(ctx.endpoint.name),
      translate: (json) => responsesPassthroughResponse(json, ctx.endpoint.name),
    };
  },
};
