import type { Context } from 'hono';
import { authenticate } from '../auth/authenticate';
import { isExternal } from '../endpoints/schema';
import { pickServedEntity } from '../endpoints/traffic';
import { routeOfTask } from '../external/tasks';
import { errors } from '../http/errors';
import type { InferenceEnv } from '../auth/inference-env';
import { inputsConversation } from '../guardrails/conversation';
import { requestGuard } from '../guardrails/request-guard';
import { originExchange } from '../protocols/registry';
import { applyGenerateDefaults } from '../protocols/tgi/generate-defaults';
import { parseGenerate } from '../protocols/tgi/parse-generate';
import type { GenerateRoute } from '../protocols/tgi/types';
import { validateGenerate } from '../protocols/tgi/validate-generate';
import { relay } from '../proxy/relay';
import { readInferenceBody, targetEndpoint } from './inference-target';
import { inferenceRoutes } from './route-group';

/**
 * TGI's generate API: `/generate`, `/generate_stream`, and the compat root
 * `POST /endpoints/{name}` (body with `stream`; a non-stream answer is an array),
 * also under `/endpoints/{name}/…`. Errors use TGI's `{ error, error_type }`.
 * Whichever protocol the endpoint's origin speaks, the client gets TGI's shapes.
 */
export const tgiRoutes = inferenceRoutes('tgi');

tgiRoutes.use('/generate', authenticate());
tgiRoutes.use('/generate_stream', authenticate());
tgiRoutes.use('/endpoints/:name/generate', authenticate());
tgiRoutes.use('/endpoints/:name/generate_stream', authenticate());
tgiRoutes.use('/endpoints/:name', authenticate());
tgiRoutes.post('/generate', (c) => generate(c, 'generate'));
tgiRoutes.post('/generate_stream', (c) => generate(c, 'generate_stream'));
tgiRoutes.post('/endpoints/:name/generate', (c) => generate(c, 'generate'));
tgiRoutes.post('/endpoints/:name/generate_stream', (c) => generate(c, 'generate_stream'));
tgiRoutes.post('/endpoints/:name', (c) => generate(c, 'compat'));

async function generate(c: Context<InferenceEnv>, route: GenerateRoute): Promise<Response> {
  const request = parseGenerate(await readInferenceBody(c));
  const stream = route === 'generate_stream' || (route === 'compat' && request.stream === true);
  validateGenerate(request, stream);
  const endpoint = await targetEndpoint(c, request.model);
  const withDefaults = applyGenerateDefaults(request, endpoint.defaults);
  validateGenerate(withDefaults, stream);
  const entity = pickServedEntity(endpoint);
  if (isExternal(entity)) {
    const task = entity.external_model.task;
    throw errors.unsupportedTask(endpoint.name, task, routeOfTask[task], "TGI's generate API");
  }
  const ctx = { endpoint, entity, originModel: entity.model, requestId: c.get('requestId'), stream };
  const exchange = originExchange('generate', { request: withDefaults, route }, ctx);
  const guard = requestGuard(c, endpoint, 'generate', () => [inputsConversation(request.inputs)]);
  return relay(c, { ...ctx, exchange, guard });
}
