import type { AnthropicResponse } from '../anthropic/types';
import type { TokenCounts } from '../shared/stream-codec';
import { promptTokensOf } from '../anthropic/usage';
import { openaiUsage } from '../openai/usage';
import { mapAnthropicStopReason } from '../shared/map-anthropic-stop-reason';

export interface ResponseNames {
  id: string;
  endpointName: string;
}

/**
 * A Messages API answer as an OpenAI chat completion: text blocks joined as the
 * content, `tool_use` blocks as `tool_calls` (input as a JSON string), the stop
 * reason as `finish_reason`, usage in OpenAI's fields. Thinking blocks are not
 * shown (the router never asks for them).
 */
export function chatOnAnthropicResponse(json: unknown, names: ResponseNames): { body: unknown; usage: TokenCounts } {
  const message = (json && typeof json === 'object' ? json : {}) as Partial<AnthropicResponse>;
  let text = '';
  const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  for (const block of message.content ?? []) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use')
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
  }
  const usage: TokenCounts = {
    promptTokens: promptTokensOf(message.usage),
    completionTokens: message.usage?.output_tokens ?? 0,
  };
  const body = {
    id: names.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: names.endpointName,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length ? null : text,
          refusal: null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: mapAnthropicStopReason(message.stop_reason) ?? 'stop',
      },
    ],
    usage: openaiUsage(usage),
  };
  return { body, usage };
}
