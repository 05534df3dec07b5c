import { ResponsesRequest } from '../../protocols/responses/types';
import { ResponseObjectShape, ResponseStreamEvent } from '../shapes/responses';
import type { RouteSpec } from '../route-spec';
import { inferenceErrors, SESSION_HEADER } from './openai';

/** The OpenAI Responses API (src/api/responses.ts), at `/v1/responses` and `/endpoints/{name}/v1/responses`. */
const PREFIXES = [
  { prefix: '', operationSuffix: '', note: 'The body’s `model` names the endpoint.' },
  {
    prefix: '/endpoints/{name}',
    operationSuffix: 'OnEndpoint',
    note: 'The path names the endpoint; any `model` in the body is ignored.',
  },
];

export const responsesRoutes: RouteSpec[] = PREFIXES.map(({ prefix, operationSuffix, note }): RouteSpec => ({
  method: 'post',
  path: `${prefix}/v1/responses`,
  operationId: `createResponse${operationSuffix}`,
  tag: 'OpenAI inference',
  auth: 'apiKey',
  headers: SESSION_HEADER,
  summary: 'Response (OpenAI Responses API), streaming or not',
  description:
    `${note} Stateless: \`store\` is always false, and \`previous_response_id\`, \`conversation\`, item references and built-in (hosted) tools are refused with a 400 that says why. ` +
    'Passed through to a served entity with `responses_api: true`, translated to chat completions for every other origin.',
  body: { schema: ResponsesRequest },
  responses: {
    200: {
      description: 'The response; with `stream: true`, typed events',
      json: ResponseObjectShape,
      events: {
        data: ResponseStreamEvent,
        description:
          '`event: <type>` and `data: {type, sequence_number, …}` pairs; no `[DONE]`. A failure after the stream started sends `response.failed`, then `error`.',
      },
      headers: ['X-Served-Entity', 'Server-Timing'],
    },
    ...inferenceErrors,
  },
}));
