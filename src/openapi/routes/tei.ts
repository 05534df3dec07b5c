import { EmbedRequest } from '../../protocols/tei/types';
import { tgiErrors } from '../error-responses';
import { EmbedResponse } from '../shapes/tei';
import type { RouteSpec } from '../route-spec';

/** Text Embeddings Inference's embed API (src/api/tei.ts); errors in the `{ error, error_type }` shape TGI shares. */
export const teiRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/endpoints/{name}/embed',
    operationId: 'embed',
    tag: 'TEI inference',
    auth: 'apiKey',
    summary: 'Embeddings (TEI)',
    description:
      'The path names the endpoint, whose served entity must speak the OpenAI protocol with an embedding model (sent to its `/v1/embeddings`). `normalize: false` and `prompt_name` are refused; `truncate` is not sent (an input over the model’s context gets the origin’s 400).',
    body: { schema: EmbedRequest },
    responses: {
      200: {
        description: 'One embedding per input',
        json: EmbedResponse,
        headers: ['X-Served-Entity', 'Server-Timing'],
      },
      ...tgiErrors({
        400: 'Invalid body, a field the origin cannot honour, an endpoint that serves a TGI model (`Validation`), or the origin refused the request',
        401: 'Missing, unknown, revoked or expired API key',
        403: 'The key is not scoped to the endpoint, or is a platform key',
        404: 'Unknown endpoint, or another tenant’s endpoint not shared with the key’s tenant',
        413: 'Body over `MAX_BODY_BYTES` (default 8 MiB)',
        429: 'The key’s concurrency limit or a rate limit is reached, or every origin is overloaded (`Overloaded`)',
        502: 'Every attempt failed (`Backend`)',
        503: 'The endpoint is stopped, or none of its origins is healthy (`Unhealthy`)',
        504: 'No answer within the endpoint’s timeout (`Backend`)',
      }),
    },
  },
];
