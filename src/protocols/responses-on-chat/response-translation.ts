import { toolCallId } from '../chat/chat-derived-codec';
import type { ChatCompletionBody } from '../openai/chat-types';
import { responseObject, type ResponseShell } from '../responses/response-object';
import { mapChatFinishToResponses } from '../shared/map-chat-finish-reason';
import type { OutputItem, ResponseObject } from '../responses/types';
import type { TokenCounts } from '../shared/stream-codec';

/** A non-streaming chat completion (already normalised by the chat path) as a Responses `response`. */
export function responsesOnChatResponse(
  chat: ChatCompletionBody,
  usage: TokenCounts,
  shell: ResponseShell,
  requestId: string,
): ResponseObject {
  const choice = chat.choices?.[0];
  const { status, incompleteReason } = mapChatFinishToResponses(choice?.finish_reason);
  const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
  const output: OutputItem[] = [];
  const text = choice?.message?.content ?? '';
  const calls = choice?.message?.tool_calls ?? [];
  if (text !== '' || calls.length === 0) {
    output.push({
      type: 'message',
      id: `msg_${requestId}`,
      status: itemStatus,
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
    });
  }
  calls.forEach((call, slot) => {
    output.push({
      type: 'function_call',
      id: `fc_${requestId}_${slot}`,
      call_id: toolCallId(call.id, requestId, slot),
      name: call.function?.name ?? '',
      arguments: call.function?.arguments ?? '',
      status: itemStatus,
    });
  });
  return responseObject(shell, { status, output, usage, incompleteReason });
}
