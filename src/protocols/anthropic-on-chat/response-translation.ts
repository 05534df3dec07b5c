import { toolCallId } from '../chat/chat-derived-codec';
import type { AnthropicContentBlock, AnthropicResponse } from '../anthropic/types';
import type { ChatCompletionBody } from '../openai/chat-types';
import type { TokenCounts } from '../shared/stream-codec';
import { mapChatFinishToAnthropic } from '../shared/map-chat-finish-reason';
import { toolInput } from './tool-input';

/** A non-streaming chat completion (already normalised by the chat path) as an Anthropic message. */
export function anthropicOnChatResponse(
  chat: ChatCompletionBody,
  usage: TokenCounts,
  opts: { id: string; endpointName: string; requestId: string; stops: readonly string[] },
): AnthropicResponse {
  const choice = chat.choices?.[0];
  const text = choice?.message?.content ?? '';
  const calls = choice?.message?.tool_calls ?? [];
  const content: AnthropicContentBlock[] = [];
  if (text !== '') content.push({ type: 'text', text });
  calls.forEach((call, slot) => {
    content.push({
      type: 'tool_use',
      id: toolCallId(call.id, opts.requestId, slot),
      name: call.function?.name ?? '',
      input: toolInput(call.function?.arguments),
    });
  });
  const stop = mapChatFinishToAnthropic(
    { reason: choice?.finish_reason, stopReason: choice?.stop_reason },
    text,
    opts.stops,
    calls.length > 0,
  );
  return {
    id: opts.id,
    type: 'message',
    role: 'assistant',
    model: opts.endpointName,
    content,
    ...stop,
    usage: { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens },
  };
}
