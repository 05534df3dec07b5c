import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import type { ResponsesRequest } from '../responses/types';
import { ResponsesPassthroughCodec } from './stream-codec';

interface OriginResponse {
  model?: unknown;
  usage?: { input_tokens?: number; output_tokens?: number } | null;
}

/**
 * A Responses request to an origin that serves `/v1/responses` itself (a served
 * entity with `responses_api: true`, e.g. vLLM): same route and body, `model` set
 * to the origin's id and `store: false` (the router keeps nothing, and neither
 * should the origin on its behalf); the answer's `model` is the endpoint's name.
 */
export function responsesPassthrough(req: ResponsesRequest, ctx: ExchangeContext): OriginExchange {
  return {
    path: '/v1/responses',
    body: { ...req, model: ctx.originModel, store: false, stream: ctx.stream },
    codec: () => new ResponsesPassthroughCodec(ctx.endpoint.name),
    translate: (json) => {
      const response = (json && typeof json === 'object' ? json : {}) as OriginResponse;
      response.model = ctx.endpoint.name;
      return {
        body: response,
        usage: { promptTokens: response.usage?.input_tokens ?? 0, completionTokens: response.usage?.output_tokens ?? 0 },
      };
    },
  };
}
