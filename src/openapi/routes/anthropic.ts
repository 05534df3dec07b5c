import { MessagesRequest } from '../../protocols/anthropic/types';
import { anthropicErrors } from '../error-responses';
import { AnthropicMessageShape, MessageStreamEvent } from '../shapes/anthropic';
import type { ParamSpec, RouteSpec } from '../route-spec';
import { z } from 'zod';

/** Anthropic's Messages API (src/api/anthropic.ts), at `/v1/messages` and `/endpoints/{name}/v1/messages`. */
const PREFIXES = [
  { prefix: '', operationSuffix: '', note: 'The body’s `model` names the endpoint.' },
  {
    prefix: '/endpoints/{name}',
    operationSuffix: 'OnEndpoint',
    note: 'The path names the endpoint; any `model` in the body is ignored.',
  },
];

const HEADERS: Record<string, ParamSpec> = {
  'x-api-key': { description: 'The endpoint key (or send it as `Authorization: Bearer`)', schema: z.string() },
  'anthropic-version': { description: 'Accepted and not needed', schema: z.string() },
  'X-Session-Id': { description: 'Session key for origin affinity (else `metadata.user_id`)', schema: z.string() },
};

const errors = anthropicErrors({
  400: 'Invalid body, a block or tool the origins cannot honour (server tools, extended thinking), or the origin refused the request',
  401: 'Missing, unknown, revoked or expired key',
  403: 'The key is not scoped to the endpoint, or is a platform key',
  404: 'Unknown model (endpoint), or another tenant’s endpoint not shared with the key’s tenant',
  413: 'Body over `MAX_BODY_BYTES` (default 8 MiB)',
  429: 'The key’s concurrency limit or a rate limit is reached',
  502: 'Every attempt failed (origin 5xx, connection refused or reset)',
  503: 'The endpoint is stopped',
  504: 'No first byte within the endpoint’s timeout (`timeout_error`)',
  529: 'No origin is healthy, every origin (or the Anthropic provider) is overloaded, or admission is unavailable (`overloaded_error`)',
});

export const anthropicRoutes: RouteSpec[] = PREFIXES.map(({ prefix, operationSuffix, note }): RouteSpec => ({
  method: 'post',
  path: `${prefix}/v1/messages`,
  operationId: `createMessage${operationSuffix}`,
  tag: 'Anthropic inference',
  auth: 'apiKey',
  headers: HEADERS,
  summary: 'Message (Anthropic Messages API), streaming or not',
  description: `${note} Passed through as it is (but \`model\`) to an Anthropic external model; translated to chat completions for every other origin, where \`metadata.user_id\` keeps a session on one origin.`,
  body: { schema: MessagesRequest },
  responses: {
    200: {
      description: 'The message; with `stream: true`, Anthropic’s event stream',
      json: AnthropicMessageShape,
      events: {
        data: MessageStreamEvent,
        description:
          '`event: <type>` and `data: {type, …}` pairs. A failure after the stream started sends `event: error` with `{type:"error", error:{type, message}}`.',
      },
      headers: ['X-Served-Entity', 'Server-Timing'],
    },
    ...errors,
  },
}));
