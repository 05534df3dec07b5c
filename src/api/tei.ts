import type { Context } from 'hono';
import { authenticate } from '../auth/authenticate';
import { isExternal, originModelOf } from '../endpoints/schema';
import { pickServedEntity } from '../endpoints/traffic';
import type { InferenceEnv } from '../auth/inference-env';
import { errors } from '../http/errors';
import { validate } from '../http/validate';
import { EmbedRequest } from '../protocols/tei/types';
import { originExchange } from '../protocols/registry';
import { relay } from '../proxy/relay';
import { readInferenceBody, targetEndpoint } from './inference-target';
import { inferenceRoutes } from './route-group';

/**
 * Text Embeddings Inference's embed API at `POST /endpoints/{name}/embed` (what
 * `@huggingface/inference`'s featureExtraction posts to an endpoint URL), for
 * endpoints that serve an embedding model over the OpenAI protocol. Errors in
 * TEI's `{ error, error_type }` shape.
 */
export const teiRoutes = inferenceRoutes('tei');

teiRoutes.use('/endpoints/:name/embed', authenticate());
teiRoutes.post('/endpoints/:name/embed', embed);

async function embed(c: Context<InferenceEnv>): Promise<Response> {
  const req = validate(EmbedRequest, await readInferenceBody(c));
  const endpoint = await targetEndpoint(c, undefined);
  const entity = pickServedEntity(endpoint);
  if (isExternal(entity)) {
    throw errors.unsupportedOperation(
      `Endpoint '${endpoint.name}' serves an external model; call its embeddings at /v1/embeddings`,
    );
  }
  if (entity.protocol === 'tgi') {
    throw errors.unsupportedOperation(
      `Endpoint '${endpoint.name}' serves a TGI model, which has no embeddings API; call an endpoint that serves an embedding model`,
    );
  }
  const ctx = { endpoint, entity, originModel: originModelOf(entity), requestId: c.get('requestId'), stream: false };
  return relay(c, { ...ctx, exchange: originExchange('embed', req, ctx) });
}
