import type { TokenCounts } from '../shared/stream-codec';

interface OpenAIResponse {
  model?: unknown;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/** A non-streaming OpenAI-style answer with the endpoint's name as `model`, and its usage. */
export function openaiPassthroughResponse(json: unknown, endpointName: string): { body: unknown; usage: TokenCounts } {
  const response = (json ?? {}) as OpenAIResponse;
  if (typeof response === 'object' && 'model' in response) response.model = endpointName;
  return {
    body: response,
    usage: {
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
    },
  };
}
