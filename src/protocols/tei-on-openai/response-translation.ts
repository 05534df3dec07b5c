import { errors } from '../../http/errors';
import { tokenCountsOf } from '../openai/usage';
import type { TokenCounts } from '../shared/stream-codec';
import type { EmbedResponse } from '../tei/types';

interface EmbeddingList {
  data?: Array<{ index?: number; embedding?: unknown }>;
  usage?: unknown;
}

/** OpenAI's embedding list as TEI's answer: one array of floats per input, in input order. */
export function teiOnOpenAIResponse(json: unknown): { body: EmbedResponse; usage: TokenCounts } {
  const list = (json ?? {}) as EmbeddingList;
  const rows = [...(list.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const body: EmbedResponse = rows.map((row) => {
    if (!Array.isArray(row.embedding)) throw errors.originBadEmbeddings();
    return row.embedding as number[];
  });
  return { body, usage: { promptTokens: tokenCountsOf(list.usage)?.promptTokens ?? 0, completionTokens: 0 } };
}
