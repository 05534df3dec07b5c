import type { TokenCounts } from '../shared/stream-codec';

interface OriginResponse {
  model?: unknown;
  usage?: { input_tokens?: number; output_tokens?: number } | null;
}

/** The origin's `response` object with the endpoint's name as `model`, and its usage. */
export function responsesPassthroughResponse(
  json: unknown,
  endpointName: string,
): { body: unknown; usage: TokenCounts } {
  const response = (json && typeof json === 'object' ? json : {}) as OriginResponse;
  response.model = endpointName;
  return {
    body: response,
    usage: { promptTokens: response.usage?.input_tokens ?? 0, completionTokens: response.usage?.output_tokens ?? 0 },
  };
}
