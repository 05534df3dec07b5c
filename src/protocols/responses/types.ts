import { z } from 'zod';
import { checkedByType } from '../shared/checked-by-type';

/**
 * The OpenAI Responses API wire format (`POST /v1/responses`), as far as the router
 * reads or writes it. The request schema is loose: it checks what the router uses,
 * and the translation refuses, by name, what it cannot honour.
 */
const nullableNumber = (schema: z.ZodNumber) => schema.nullable().optional();

const ContentPart = z.looseObject({ type: z.string() });

/** What the translation reads of a function call: its arguments, as the JSON text the model gave. */
const FunctionCall = z.looseObject({
  arguments: z.custom<string>((value) => typeof value === 'string', {
    error: (issue) =>
      issue.input === undefined
        ? 'required field is missing'
        : `must be a JSON string (the arguments as the model gave them, e.g. '{"city":"Paris"}')`,
  }),
});

/** What the translation reads of a tool's output: its text, or its parts (`input_text`, …). */
const FunctionCallOutput = z.looseObject({ output: z.union([z.string(), z.array(ContentPart)]) });

export const ResponsesInputItem = checkedByType(
  z.looseObject({
    type: z.string().optional(),
    role: z.enum(['user', 'assistant', 'system', 'developer']).optional(),
    content: z.union([z.string(), z.array(ContentPart)]).optional(),
  }),
  { function_call: FunctionCall, function_call_output: FunctionCallOutput },
);

export const ResponsesTool = z.looseObject({ type: z.string(), name: z.string().optional() });

export const ResponsesRequest = z.looseObject({
  model: z.string().min(1).optional(),
  input: z.union([z.string(), z.array(ResponsesInputItem)], {
    error: (issue) =>
      issue.input === undefined ? 'required field is missing' : 'must be a string or an array of input items',
  }),
  instructions: z.string().nullable().optional(),
  max_output_tokens: nullableNumber(z.number().int().min(1)),
  temperature: nullableNumber(z.number().min(0).max(2)),
  top_p: nullableNumber(z.number().gt(0).max(1)),
  tools: z.array(ResponsesTool).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.string(), name: z.string().optional() })])
    .optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  text: z
    .looseObject({
      format: z
        .looseObject({
          type: z.enum(['text', 'json_schema', 'json_object']),
          name: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullable().optional(),
          description: z.string().optional(),
        })
        .optional(),
    })
    .nullable()
    .optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
  user: z.string().optional(),
  stream: z.boolean().nullable().optional(),
  store: z.boolean().nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface MessageItem {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: OutputText[];
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export type OutputItem = MessageItem | FunctionCallItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  model: string;
  output: OutputItem[];
  usage: ResponsesUsage | null;
  [echoed: string]: unknown;
}
