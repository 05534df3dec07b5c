import { tokenCountsOf } from '../openai/usage';
import type { TokenCounts } from '../shared/stream-codec';
import { mapTgiFinishReason } from '../shared/map-tgi-finish-reason';

interface TgiChatResponse {
  id?: unknown;
  model?: unknown;
  choices?: Array<{
    finish_reason?: unknown;
    message?: { tool_calls?: Array<{ function?: { arguments?: unknown } }> | null };
  }>;
  usage?: unknown;
}

/**
 * A non-streaming TGI Messages API answer as OpenAI's: the endpoint's name as
 * `model`, a real `id` instead of TGI's `""`, finish reasons in OpenAI terms and
 * tool-call arguments as a JSON string (older TGI sent an object).
 */
export function chatOnTgiResponse(
  json: unknown,
  endpointName: string,
  requestId: string,
): { body: unknown; usage: TokenCounts } {
  const response = (json && typeof json === 'object' ? json : {}) as TgiChatResponse;
  response.model = endpointName;
  if (typeof response.id !== 'string' || response.id === '') response.id = `chatcmpl-${requestId}`;
  for (const choice of response.choices ?? []) {
    choice.finish_reason = mapTgiFinishReason(choice.finish_reason);
    for (const call of choice.message?.tool_calls ?? []) {
      if (call.function && typeof call.function.arguments !== 'string' && call.function.arguments !== undefined) {
        call.function.arguments = JSON.stringify(call.function.arguments);
      }
    }
  }
  return { body: response, usage: tokenCountsOf(response.usage) ?? { promptTokens: 0, completionTokens: 0 } };
}
