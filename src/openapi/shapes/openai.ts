import { z } from 'zod';

/**
 * OpenAI response objects as the router returns them: the origin's answer (vLLM,
 * SGLang, llama.cpp, or TGI translated) with `model` set to the endpoint name.
 * Origins may add fields; only what clients rely on is listed.
 */
const Usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

const endpointModel = z.string().meta({ description: 'The endpoint name (the origin model id is never shown)' });
const finishReason = z
  .string()
  .nullable()
  .meta({ description: '`stop`, `length`, `tool_calls`, … (null while streaming)' });

const ToolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string().meta({ description: 'JSON text' }) }),
});

export const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: endpointModel,
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        tool_calls: z.array(ToolCall).optional(),
      }),
      logprobs: z.unknown().optional(),
      finish_reason: finishReason,
    }),
  ),
  usage: Usage.optional(),
});

export const ChatCompletionChunk = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: endpointModel,
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal('assistant').optional(),
        content: z.string().nullable().optional(),
        tool_calls: z.array(z.unknown()).optional(),
      }),
      logprobs: z.unknown().optional(),
      finish_reason: finishReason,
    }),
  ),
  usage: Usage.nullable()
    .optional()
    .meta({ description: 'Only on the last chunk, with `stream_options.include_usage`' }),
});

/** A `text_completion`: the whole answer, or (streaming) one chunk of it. */
export const Completion = z.object({
  id: z.string(),
  object: z.literal('text_completion'),
  created: z.number().int(),
  model: endpointModel,
  choices: z.array(
    z.object({
      index: z.number().int(),
      text: z.string(),
      logprobs: z.unknown().nullable().optional(),
      finish_reason: finishReason,
    }),
  ),
  usage: Usage.nullable().optional(),
});

export const EmbeddingList = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      object: z.literal('embedding'),
      index: z.number().int(),
      embedding: z.union([
        z.array(z.number()),
        z.string().meta({ description: 'base64, with `encoding_format: "base64"`' }),
      ]),
    }),
  ),
  model: endpointModel,
  usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});

/** `GET /v1/models` (src/api/openai.ts `listModels`). */
export const ModelList = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string().meta({ description: 'Endpoint name' }),
      object: z.literal('model'),
      created: z.number().int(),
      owned_by: z.string(),
    }),
  ),
});
