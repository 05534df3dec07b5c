import { z } from 'zod';

/** Anthropic's Messages API shapes as the router returns them (a subset of AnthropicResponse in src/protocols/anthropic/types.ts: text and tool_use blocks). */
export const AnthropicMessageShape = z.object({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string().meta({ description: 'The endpoint name' }),
  content: z.array(
    z.union([
      z.object({ type: z.literal('text'), text: z.string() }),
      z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
    ]),
  ),
  stop_reason: z.enum(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal']).nullable(),
  stop_sequence: z.string().nullable(),
  usage: z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() }),
});

export const MessageStreamEvent = z.looseObject({
  type: z.string().meta({
    description:
      '`message_start`, `ping`, `content_block_start`, `content_block_delta` (`text_delta` or `input_json_delta`), `content_block_stop`, `message_delta` (stop reason and usage), `message_stop`; on failure `error`',
  }),
});
