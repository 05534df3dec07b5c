import type { AnthropicResponse } from '../anthropic/types';
import { promptTokensOf } from '../anthropic/usage';
import type { TokenCounts } from '../shared/stream-codec';

/**
 * Anthropic's message as it came, with the endpoint's name as `model`; usage from
 * its `usage` (prompt tokens including the cached ones).
 */
export function anthropicPassthroughResponse(
  json: unknown,
  endpointName: string,
): { body: unknown; usage: TokenCounts } {
  const message = (json && typeof json === 'object' ? json : {}) as Partial<AnthropicResponse>;
  message.model = endpointName;
  return {
    body: message,
    usage: { promptTokens: promptTokensOf(message.usage), completionTokens: message.usage?.output_tokens ?? 0 },
  };
}
