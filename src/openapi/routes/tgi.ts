import { GenerateRequest } from '../../protocols/tgi/types';
import { tgiErrors } from '../error-responses';
import { GenerateCompatResponse, GenerateResponse, GenerateStreamEvent } from '../shapes/tgi';
import type { ResponseSpec, RouteSpec } from '../route-spec';
import { SESSION_HEADER } from './openai';

/** TGI's generate API (src/api/tgi.ts): TGI's shapes whatever the origin speaks, errors as `{ error, error_type }`. */
const PREFIXES = [
  { prefix: '', operationSuffix: '', note: 'The body’s `model` (a router extension) names the endpoint.' },
  {
    prefix: '/endpoints/{name}',
    operationSuffix: 'OnEndpoint',
    note: 'The path names the endpoint; any `model` in the body is ignored.',
  },
];

const errors = tgiErrors({
  400: 'The body is not JSON (`validation`), or a guardrail blocked the inputs or the answer (`content_policy_violation`)',
  401: 'Missing, unknown, revoked or expired API key',
  403: 'The key is not scoped to the endpoint, or is a platform key',
  404: 'Unknown endpoint, or another tenant’s endpoint not shared with the key’s tenant',
  413: 'Body over `MAX_BODY_BYTES` (default 8 MiB)',
  422: 'A field of the wrong type, or a parameter TGI would refuse (`Input validation error: …`), checked before any origin is called; or the origin refused it (`validation`)',
  424: 'The generation failed at the origin (`generation`)',
  429: 'The key’s concurrency limit or a rate limit is reached, or every origin is overloaded (`overloaded`)',
  502: 'Every attempt failed: origin 5xx, connection refused or reset (`generation`)',
  503: 'The endpoint is stopped, every origin failed its last health probe, admission is unavailable, or a `fail_closed` guardrail could not check (`generation`)',
  504: 'No first byte within the endpoint’s timeout (`generation`)',
});

const EVENTS = {
  data: GenerateStreamEvent,
  description:
    '`data:{json}` events (TGI framing, no space), one per token; the final one has `generated_text` (and `details` when asked for). A failure ends the stream with `data:{"error":…,"error_type":…}`.',
};

const streamed: ResponseSpec = {
  description: 'Token events',
  events: EVENTS,
  headers: ['X-Served-Entity', 'Server-Timing', 'X-Guardrails-Flagged', 'X-Guardrails-Unchecked'],
};

export const tgiRoutes: RouteSpec[] = [
  ...PREFIXES.flatMap(({ prefix, operationSuffix, note }): RouteSpec[] => [
    {
      method: 'post',
      path: `${prefix}/generate`,
      operationId: `generate${operationSuffix}`,
      tag: 'TGI inference',
      auth: 'apiKey',
      headers: SESSION_HEADER,
      summary: 'Generate text (TGI)',
      description: note,
      body: { schema: GenerateRequest },
      responses: {
        200: {
          description: 'The generated text',
          json: GenerateResponse,
          headers: ['X-Served-Entity', 'Server-Timing', 'X-Guardrails-Flagged', 'X-Guardrails-Unchecked'],
        },
        ...errors,
      },
    },
    {
      method: 'post',
      path: `${prefix}/generate_stream`,
      operationId: `generateStream${operationSuffix}`,
      tag: 'TGI inference',
      auth: 'apiKey',
      headers: SESSION_HEADER,
      summary: 'Generate text as a token stream (TGI)',
      description: note,
      body: { schema: GenerateRequest },
      responses: { 200: streamed, ...errors },
    },
  ]),
  {
    method: 'post',
    path: '/endpoints/{name}',
    operationId: 'generateCompat',
    tag: 'TGI inference',
    auth: 'apiKey',
    headers: SESSION_HEADER,
    summary: 'TGI’s compat root: generate, streaming with `stream: true`',
    description: 'The path names the endpoint. Without `stream`, the answer is a one-element array.',
    body: { schema: GenerateRequest },
    responses: {
      200: {
        description: 'The generated text (an array), or with `stream: true` token events',
        json: GenerateCompatResponse,
        events: EVENTS,
        headers: ['X-Served-Entity', 'Server-Timing', 'X-Guardrails-Flagged', 'X-Guardrails-Unchecked'],
      },
      ...errors,
    },
  },
];
