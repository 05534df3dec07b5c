import type { ExchangeContext, OriginExchange } from '../exchange';
import type { ProtocolPair } from '../pair';
import type { EmbedRequest } from '../tei/types';
import { embedToOpenAI } from './request-adapter';
import { teiOnOpenAIResponse } from './response-translation';

/**
 * A TEI embed request on an OpenAI-protocol origin (vLLM, or TEI's own OpenAI route):
 * `/v1/embeddings`, and the answer as TEI's array of float arrays in input order.
 */
export const teiOnOpenAI: ProtocolPair<EmbedRequest> = {
  client: 'embed',
  origin: 'openai',
  exchange(req: EmbedRequest, ctx: ExchangeContext): OriginExchange {
    return {
      path: '/v1/embeddings',
      body: embedToOpenAI(req, ctx.originModel),
      codec: () => {
        throw new Error('internal: embeddings do not stream');
      },
      translate: (json) => teiOnOpenAIResponse(json),
    };
  },
};
