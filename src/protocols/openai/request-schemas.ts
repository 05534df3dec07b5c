import { z } from 'zod';
import type { InferenceKind } from '../../endpoints/inference-kind';

/**
 * What the router checks of OpenAI-style request bodies before any origin sees
 * them, and the types the protocol pairs read them with (the route hands the
 * parsed request on). Objects are loose: fields the router does not know (vLLM
 * extras such as `min_p`, `repetition_penalty`) pass through to the origin
 * untouched; fields whose checks depend on the origin (`tool_choice`,
 * `response_format`, `logit_bias`, chat's `logprobs`, what a tool or tool call holds)
 * are left to the origin or to the pair that translates them. Arrays are checked
 * element by element: a `null` among the tools is a 400 here on every origin.
 */
const optionalNumber = (schema: z.ZodNumber) => schema.nullable().optional();

const samplingFields = {
  model: z.string().min(1).optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullable().optional() }).nullable().optional(),
  temperature: optionalNumber(z.number().min(0).max(2)),
  top_p: optionalNumber(z.number().gt(0).max(1)),
  top_k: optionalNumber(z.number().int().min(-1)),
  max_tokens: optionalNumber(z.number().int().min(1)),
  n: optionalNumber(z.number().int().min(1).max(128)),
  presence_penalty: optionalNumber(z.number().min(-2).max(2)),
  frequency_penalty: optionalNumber(z.number().min(-2).max(2)),
  seed: optionalNumber(z.number().int()),
  stop: z
    .union([z.string(), z.array(z.string()).max(16)])
    .nullable()
    .optional(),
  user: z.string().optional(),
};

const Message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
  /** Each an object; what it must hold is the origin's (or the translating pair's) to say. */
  tool_calls: z.array(z.looseObject({})).nullable().optional(),
});

export const ChatRequest = z.looseObject({
  ...samplingFields,
  messages: z.array(Message).min(1),
  /** Each an object; what it must hold is the origin's (or the translating pair's) to say. */
  tools: z.array(z.looseObject({})).nullable().optional(),
  max_completion_tokens: optionalNumber(z.number().int().min(1)),
  top_logprobs: optionalNumber(z.number().int().min(0).max(20)),
  parallel_tool_calls: z.boolean().nullable().optional(),
});

const tokenIds = z.array(z.number().int());
export const CompletionRequest = z.looseObject({
  ...samplingFields,
  prompt: z.union([z.string(), z.array(z.string()).min(1), tokenIds.min(1), z.array(tokenIds).min(1)]),
  echo: z.boolean().nullable().optional(),
  /** Completions' `logprobs` is a count (top tokens per position), unlike chat's boolean. */
  logprobs: optionalNumber(z.number().int().min(0)),
  suffix: z.string().nullable().optional(),
  best_of: optionalNumber(z.number().int().min(1)),
});

export const EmbeddingRequest = z.looseObject({
  model: z.string().min(1).optional(),
  input: z.union([z.string(), z.array(z.string()).min(1), tokenIds.min(1), z.array(tokenIds).min(1)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).optional(),
  user: z.string().optional(),
});

export type ChatRequest = z.infer<typeof ChatRequest>;
export type CompletionRequest = z.infer<typeof CompletionRequest>;
export type EmbeddingRequest = z.infer<typeof EmbeddingRequest>;

export type { InferenceKind };

/** The parsed request of each OpenAI inference route. */
export interface InferenceRequest {
  chat: ChatRequest;
  completions: CompletionRequest;
  embeddings: EmbeddingRequest;
}

export const schemaFor = { chat: ChatRequest, completions: CompletionRequest, embeddings: EmbeddingRequest } as const;

export const originPathFor: Record<InferenceKind, string> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
};
