import type { Env } from '../env';
import type { ExternalEntity } from '../endpoints/schema';
import { ApiError } from '../http/api-error';
import { chatOnAnthropic } from '../protocols/chat-on-anthropic';
import { openaiPassthrough } from '../protocols/openai-passthrough';
import { originPathFor, type InferenceKind } from '../protocols/openai/request-schemas';
import type { ExchangeContext, OriginExchange } from '../proxy/exchange';
import { externalProblem, providerApi, providerHeaders } from './provider';
import { providerFailure } from './provider-errors';
import { secretValue } from './secrets';
import { kindOfTask, routeOfTask } from './tasks';

/**
 * An OpenAI-style request to an external model: refused (400) on a route its
 * task does not answer, 503 while its secret is missing, else the provider's
 * exchange with the provider's credentials (the client's key stays here).
 */
export function externalExchange(
  kind: InferenceKind,
  request: Record<string, unknown>,
  ctx: ExchangeContext & { entity: ExternalEntity },
  env: Env,
  /** The client's own `top_k` (before the endpoint's defaults). */
  clientTopK: unknown,
): OriginExchange {
  const model = ctx.entity.external_model;
  if (kindOfTask[model.task] !== kind) {
    throw new ApiError(
      400,
      `Endpoint '${ctx.endpoint.name}' serves an external model for task '${model.task}': it answers ${routeOfTask[model.task]} only`,
      { code: 'unsupported_task' },
    );
  }
  const problem = externalProblem(ctx.entity, env, ctx.endpoint.tenant_id);
  const api = providerApi(ctx.entity);
  const key = secretValue(env, api.secret);
  if (problem !== null || key === null) {
    throw new ApiError(503, `Endpoint '${ctx.endpoint.name}' is not ready: ${problem ?? 'its secret is not set'}`, {
      type: 'server_error',
      code: 'endpoint_not_ready',
      headers: { 'retry-after': '30' },
    });
  }
  const call = { headers: providerHeaders(api, key), failure: providerFailure(api, ctx.entity.name, key) };
  if (api.provider === 'anthropic') return { ...chatOnAnthropic(request, ctx), ...call };
  if (clientTopK != null) {
    throw new ApiError(400, `'top_k' is not supported by this endpoint's OpenAI model: OpenAI has no top-k sampling`, { param: 'top_k', code: 'unsupported_parameter' });
  }
  const { top_k: _fromDefaults, ...body } = request; // an endpoint default for self-hosted models; OpenAI refuses the field
  // OpenAI's base URL ends in /v1 (as the openai SDK's baseURL does): its routes are /chat/completions, /completions, /embeddings.
  return { ...openaiPassthrough(kind, body, ctx), path: originPathFor[kind].replace(/^\/v1/, ''), ...call };
}
