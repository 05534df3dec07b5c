import { ApiError } from '../../http/api-error';
import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import type { EmbedResponse, EmbedRequest } from '../tei/types';
import { embedToOpenAI } from './request-adapter';

interface EmbeddingList {
  data?: Array<{ index?: number; embedding?: unknown }>;
  usage?: { prompt_tokens?: number } | null;
}

/**
 * A TEI embed request on an OpenAI-protocol origin (vLLM, or TEI's own OpenAI route):
 * `/v1/embeddings`, and the answer as TEI's array of float arrays in input order.
 */
export function embedOnOpenAI(req: EmbedRequest, ctx: ExchangeContext): OriginExchange {
  return {
    path: '/v1/embeddings',
    body: embedToOpenAI(req, ctx.originModel),
    codec: () => {
      throw new Error('internal: embeddings do not stream');
    },
    translate: (json) => {
      const list = (json ?? {}) as EmbeddingList;
      const rows = [...(list.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      const body: EmbedResponse = rows.map((row) => {
        if (!Array.isArray(row.embedding)) throw new ApiError(502, 'The origin answered embeddings that are not arrays of floats', { type: 'server_error', code: 'origin_error' });
        return row.embedding as number[];
      });
      return { body, usage: { promptTokens: list.usage?.prompt_tokens ?? 0, completionTokens: 0 } };
    },
  };
}
