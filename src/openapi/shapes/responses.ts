import { z } from 'zod';
import type { FunctionCallItem, MessageItem, ResponsesUsage } from '../../protocols/responses/types';
import type { Assert, SameShape } from '../same-shape';

/** The Responses API's shapes as the router returns them (src/protocols/responses/types.ts). */
const itemStatus = z.enum(['in_progress', 'completed', 'incomplete']);

export const ResponsesMessageItem = z.object({
  type: z.literal('message'),
  id: z.string(),
  status: itemStatus,
  role: z.literal('assistant'),
  content: z.array(
    z.object({
      type: z.literal('output_text'),
      text: z.string(),
      annotations: z.array(z.unknown()),
      logprobs: z.array(z.unknown()),
    }),
  ),
});

export const ResponsesFunctionCallItem = z.object({
  type: z.literal('function_call'),
  id: z.string(),
  call_id: z.string().meta({ description: 'Send it back with the `function_call_output` item' }),
  name: z.string(),
  arguments: z.string().meta({ description: 'JSON text' }),
  status: itemStatus,
});

export const ResponsesUsageObject = z.object({
  input_tokens: z.number().int(),
  input_tokens_details: z.object({ cached_tokens: z.number().int() }),
  output_tokens: z.number().int(),
  output_tokens_details: z.object({ reasoning_tokens: z.number().int() }),
  total_tokens: z.number().int(),
});

export const ResponseObjectShape = z
  .looseObject({
    id: z.string(),
    object: z.literal('response'),
    created_at: z.number().int(),
    status: z.enum(['in_progress', 'completed', 'incomplete', 'failed']),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    incomplete_details: z
      .object({ reason: z.string().meta({ description: '`max_output_tokens` or `content_filter`' }) })
      .nullable(),
    model: z.string().meta({ description: 'The endpoint name' }),
    output: z.array(z.union([ResponsesMessageItem, ResponsesFunctionCallItem])),
    store: z.literal(false).meta({ description: 'Always false: the router keeps no responses' }),
    usage: ResponsesUsageObject.nullable(),
  })
  .meta({
    description: 'Also echoes the request’s settings (instructions, metadata, temperature, tools, …) as OpenAI does',
  });

export const ResponseStreamEvent = z.looseObject({
  type: z.string().meta({
    description:
      '`response.created`, `response.in_progress`, `response.output_item.added`, `response.content_part.added`, `response.output_text.delta`, `response.output_text.done`, `response.content_part.done`, `response.function_call_arguments.delta`, `response.function_call_arguments.done`, `response.output_item.done`, `response.completed` / `response.incomplete`; on failure `response.failed` then `error`',
  }),
  sequence_number: z.number().int().meta({ description: 'Counts from 0 across the stream' }),
});

type _MessageMatches = Assert<SameShape<z.infer<typeof ResponsesMessageItem>, MessageItem>>;
type _CallMatches = Assert<SameShape<z.infer<typeof ResponsesFunctionCallItem>, FunctionCallItem>>;
type _UsageMatches = Assert<SameShape<z.infer<typeof ResponsesUsageObject>, ResponsesUsage>>;
