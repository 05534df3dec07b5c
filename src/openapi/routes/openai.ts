import { z } from 'zod';
import { ChatRequest, CompletionRequest, EmbeddingRequest } from '../../protocols/openai/request-schemas';
import { openaiErrors } from '../error-responses';
import { ChatCompletion, ChatCompletionChunk, Completion, EmbeddingList, ModelList } from '../shapes/openai';
import type { ParamSpec, RouteSpec } from '../route-spec';

/** The OpenAI-compatible inference API (src/api/openai.ts), at `/v1/…` and `/endpoints/{name}/v1/…`. */
const PREFIXES = [
  { prefix: '', operationSuffix: '', note: 'The body’s `model` names the endpoint.' },
  {
    prefix: '/endpoints/{name}',
    operationSuffix: 'OnEndpoint',
    note: 'The path names the endpoint; any `model` in the body is ignored.',
  },
];

export const SESSION_HEADER: Record<string, ParamSpec> = {
  'X-Session-Id': {
    description: 'Session key for origin affinity (else the body’s `user`, when it has one)',
    schema: z.string(),
  },
};

const STREAM_ERROR =
  'A failure after the stream started (origin dropped, went silent, or sent an error) ends it with `data: {"error":{…}}` and `data: [DONE]`. An output guardrail that stops the answer first sends a chunk with `finish_reason: "content_filter"`, then the error (`content_policy_violation`).';

export const inferenceErrors = openaiErrors({
  400: 'Invalid body (`error.param` names the field), the origin refused the request (its message), or a guardrail blocked the prompt or the answer (`content_policy_violation`, naming the categories)',
  401: 'Missing, unknown, revoked (`Invalid API key`) or expired (`API key has expired`) key',
  403: 'The key is not scoped to the endpoint, or is a platform key',
  404: 'Unknown model (endpoint), or another tenant’s endpoint not shared with the key’s tenant',
  413: 'Body over `MAX_BODY_BYTES` (default 8 MiB)',
  422: 'The origin refused the request with a 422 (its message)',
  429: '`Concurrent request limit reached, please try again later`, or `Rate limit exceeded: <the limit>` (or every origin is overloaded)',
  502: 'Every attempt failed (origin 5xx, connection refused or reset)',
  503: 'The endpoint is stopped, every origin failed its last health probe (`no_healthy_origin`; `Retry-After`: when they are tried again), its external model lacks its secret (`endpoint_not_ready`) or its provider is overloaded (`provider_overloaded`), admission is unavailable, or a `fail_closed` guardrail could not check (`guardrail_unavailable`)',
  504: 'No first byte within the endpoint’s timeout',
});

const routing = ['X-Served-Entity', 'Server-Timing', 'X-Guardrails-Flagged', 'X-Guardrails-Unchecked'] as const;

export const openaiRoutes: RouteSpec[] = PREFIXES.flatMap(({ prefix, operationSuffix, note }): RouteSpec[] => [
  {
    method: 'post',
    path: `${prefix}/v1/chat/completions`,
    operationId: `createChatCompletion${operationSuffix}`,
    tag: 'OpenAI inference',
    auth: 'apiKey',
    headers: SESSION_HEADER,
    summary: 'Chat completion, streaming or not',
    description: `${note} The endpoint’s \`defaults\` fill fields the request leaves out; unknown fields (vLLM extras) pass through.`,
    body: { schema: ChatRequest },
    responses: {
      200: {
        description: 'The completion; with `stream: true`, an event stream',
        json: ChatCompletion,
        events: {
          data: ChatCompletionChunk,
          description: `\`data: {chat.completion.chunk}\` events, then \`data: [DONE]\`. With \`stream_options.include_usage\` the last chunk carries \`usage\`. ${STREAM_ERROR}`,
        },
        headers: [...routing],
      },
      ...inferenceErrors,
    },
  },
  {
    method: 'post',
    path: `${prefix}/v1/completions`,
    operationId: `createCompletion${operationSuffix}`,
    tag: 'OpenAI inference',
    auth: 'apiKey',
    headers: SESSION_HEADER,
    summary: 'Text completion, streaming or not',
    description: note,
    body: { schema: CompletionRequest },
    responses: {
      200: {
        description: 'The completion; with `stream: true`, an event stream',
        json: Completion,
        events: {
          data: Completion,
          description: `\`data: {text_completion}\` events, then \`data: [DONE]\`. ${STREAM_ERROR}`,
        },
        headers: [...routing],
      },
      ...inferenceErrors,
    },
  },
  {
    method: 'post',
    path: `${prefix}/v1/embeddings`,
    operationId: `createEmbedding${operationSuffix}`,
    tag: 'OpenAI inference',
    auth: 'apiKey',
    headers: SESSION_HEADER,
    summary: 'Embeddings',
    description: `${note} OpenAI-protocol endpoints only: one that serves a TGI model answers 400 \`unsupported_operation\`.`,
    body: { schema: EmbeddingRequest },
    responses: {
      200: { description: 'The embeddings', json: EmbeddingList, headers: ['X-Served-Entity', 'Server-Timing'] },
      ...inferenceErrors,
    },
  },
  {
    method: 'get',
    path: `${prefix}/v1/models`,
    operationId: `listModels${operationSuffix}`,
    tag: 'OpenAI inference',
    auth: 'apiKey',
    summary: prefix ? 'The endpoint, as a one-model list' : 'The endpoints this key may call',
    description:
      'Each model’s `id` is an endpoint name: those of the key’s tenant and those shared with it, within the key’s scope (at most 1 000).',
    responses: {
      200: { description: 'The models', json: ModelList },
      ...openaiErrors({ 401: 'Missing, unknown, revoked or expired API key', 403: 'A platform key' }),
      ...(prefix ? openaiErrors({ 404: 'Unknown endpoint, or one the key may not call' }) : {}),
    },
  },
]);
