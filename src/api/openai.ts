import type { Context } from 'hono';
import { authenticate } from '../auth/authenticate';
import { applyDefaults } from '../endpoints/apply-defaults';
import { listModels } from '../endpoints/cache';
import { isExternal } from '../endpoints/schema';
import type { InferenceEnv } from '../auth/inference-env';
import { revokedNow } from '../gate/lease';
import { errors } from '../http/errors';
import { validate } from '../http/validate';
import { chatConversation, promptConversations } from '../guardrails/conversation';
import { requestGuard } from '../guardrails/request-guard';
import { schemaFor, type InferenceKind, type InferenceRequest } from '../protocols/openai/request-schemas';
import { originExchange, type PairInputs } from '../protocols/registry';
import { relay } from '../proxy/relay';
import { exchangeContext } from './exchange-context';
import { readInferenceBody, targetEndpoint } from './inference-target';
import { couldBeEndpointName } from '../endpoints/endpoint-name';
import { createResponse } from './responses';
import { inferenceRoutes } from './route-group';

/** The OpenAI-compatible inference API, at `/v1/…` and at `/endpoints/{name}/v1/…`. */
export const openaiRoutes = inferenceRoutes('openai');

openaiRoutes.use('/v1/chat/completions', authenticate());
openaiRoutes.use('/v1/completions', authenticate());
openaiRoutes.use('/v1/embeddings', authenticate());
openaiRoutes.use('/v1/responses', authenticate());
openaiRoutes.use('/v1/models', authenticate());
openaiRoutes.use('/endpoints/:name/v1/chat/completions', authenticate());
openaiRoutes.use('/endpoints/:name/v1/completions', authenticate());
openaiRoutes.use('/endpoints/:name/v1/embeddings', authenticate());
openaiRoutes.use('/endpoints/:name/v1/responses', authenticate());
openaiRoutes.use('/endpoints/:name/v1/models', authenticate());

openaiRoutes.post('/v1/chat/completions', (c) => inference(c, 'chat'));
openaiRoutes.post('/v1/completions', (c) => inference(c, 'completions'));
openaiRoutes.post('/v1/embeddings', (c) => inference(c, 'embeddings'));
openaiRoutes.post('/v1/responses', createResponse);
openaiRoutes.get('/v1/models', modelList);
openaiRoutes.post('/endpoints/:name/v1/chat/completions', (c) => inference(c, 'chat'));
openaiRoutes.post('/endpoints/:name/v1/completions', (c) => inference(c, 'completions'));
openaiRoutes.post('/endpoints/:name/v1/embeddings', (c) => inference(c, 'embeddings'));
openaiRoutes.post('/endpoints/:name/v1/responses', createResponse);
openaiRoutes.get('/endpoints/:name/v1/models', modelList);

async function inference<K extends InferenceKind>(c: Context<InferenceEnv>, kind: K): Promise<Response> {
  const raw = await readInferenceBody(c);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw errors.invalidBody('Request body must be a JSON object', null);
  }
  // The parsed request is what the pairs get: typed, with every field the schema does not know passed along.
  const request = validate(schemaFor[kind], raw) as InferenceRequest[K];
  const stream = kind !== 'embeddings' && request.stream === true;
  if (request.stream_options != null && !stream) {
    throw errors.invalidBody("Invalid 'stream_options': only allowed when 'stream' is true", 'stream_options');
  }
  const endpoint = await targetEndpoint(c, request.model);
  const ctx = exchangeContext(c, endpoint, stream, kind, request.top_k);
  const entity = ctx.entity;
  if (!isExternal(entity) && kind === 'embeddings' && entity.protocol === 'tgi') {
    throw errors.unsupportedOperation(
      `Endpoint '${endpoint.name}' serves a TGI model, which has no embeddings API`,
      'model',
    );
  }
  const guard =
    kind === 'embeddings'
      ? undefined
      : requestGuard(c, endpoint, kind, () =>
          kind === 'chat' ? [chatConversation(request.messages)] : promptConversations(request.prompt),
        );
  const exchange = originExchange(kind, applyDefaults(kind, request, endpoint.defaults) as PairInputs[K], ctx);
  return relay(c, { ...ctx, exchange, guard });
}

/** The endpoints this key may call (its tenant's and those shared with it, within its scope), read for its tenant only. */
async function modelList(c: Context<InferenceEnv>): Promise<Response> {
  const key = c.get('apiKey');
  const only = c.req.param('name');
  const scope = only === undefined ? key.endpoints : (key.endpoints ?? [only]).filter((n) => n === only);
  // No admission here, so ask the key's gate: a key revoked in another isolate (still in this one's cache) is refused.
  // A name no endpoint can have lists nothing, without a query.
  const listed = only === undefined || couldBeEndpointName(only) ? listModels(c.env.DB, key.tenant_id, scope) : [];
  const [revoked, models] = await Promise.all([revokedNow(c.env, key), listed]);
  if (revoked) throw errors.invalidKey();
  if (only !== undefined && models.length === 0) throw errors.unknownModel(only);
  return c.json({
    object: 'list',
    data: models.map((e) => ({
      id: e.name,
      object: 'model',
      created: Math.floor(Date.parse(e.created_at) / 1000),
      owned_by: 'edge-llm-router',
    })),
  });
}
