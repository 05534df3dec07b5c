import { tokenCountsOf } from '../openai/usage';
import type { TokenCounts } from '../shared/stream-codec';

/** A non-streaming OpenAI-style answer with the endpoint's name as `model`, and its usage. */
export function openaiPassthroughResponse(json: unknown, endpointName: string): { body: unknown; usage: TokenCounts } {
  const response = (json ?? {}) as { model?: unknown; usage?: unknown };
  if (typeof response === 'object' && 'model' in response) response.model = endpointName;
  return { body: response, usage: tokenCountsOf(response.usage) ?? { promptTokens: 0, completionTokens: 0 } };
}
