import type { Endpoint, ExternalEntity } from '../../endpoints/schema';
import { errors } from '../../http/errors';
import type { InferenceKind } from '../openai/request-schemas';
import type { OriginExchange } from '../exchange';
import { externalProblem, providerApi, providerHeaders, secretRedactor } from '../../external/provider';
import { providerFailure } from './provider-errors';
import { secretValue } from '../../external/secrets';
import { kindOfTask, routeOfTask } from '../../external/tasks';

/**
 * An external model's provider transport for a request of `kind` (Responses and
 * Messages requests count as chat): refused (400) on a route its task does not
 * answer, 503 while its secret is missing, else a wrapper that gives the pair's
 * exchange the provider's credentials (the client's key stays here), API base and
 * error mapping.
 */
export function providerTransport(
  kind: InferenceKind,
  ctx: { endpoint: Endpoint; entity: ExternalEntity },
  env: Env,
  /** The client's own `top_k` (before the endpoint's defaults). */
  clientTopK: unknown,
): (exchange: OriginExchange) => OriginExchange {
  const model = ctx.entity.external_model;
  if (kindOfTask[model.task] !== kind) {
    throw errors.unsupportedTask(ctx.endpoint.name, model.task, routeOfTask[model.task]);
  }
  const problem = externalProblem(ctx.entity, env, ctx.endpoint.tenant_id);
  const api = providerApi(ctx.entity);
  const key = secretValue(env, api.secret);
  if (problem !== null || key === null) {
    throw errors.notReady(ctx.endpoint.name, problem ?? 'its secret is not set');
  }
  const redact = secretRedactor(key);
  const call = { headers: providerHeaders(api, key), failure: providerFailure(api, ctx.entity.name, redact), redact };
  // The exchange sent to the provider: its credentials and failure reading, and its stream read with the key cut
  // out of every event (its error events included).
  const toProvider = (exchange: OriginExchange): OriginExchange => ({
    ...exchange,
    ...call,
    codec: () => {
      const codec = exchange.codec();
      codec.redactOrigin(redact);
      return codec;
    },
  });
  // The pair's own headers (Anthropic's `anthropic-beta`) go along; the provider's credentials win any clash.
  if (api.provider === 'anthropic')
    return (exchange) => ({ ...toProvider(exchange), headers: { ...exchange.headers, ...call.headers } });
  if (clientTopK != null) {
    throw errors.unsupportedParameter('top_k', 'OpenAI has no top-k sampling', 'OpenAI model');
  }
  return (exchange) => {
    const { top_k: _fromDefaults, ...body } = exchange.body as Record<string, unknown>; // an endpoint default for self-hosted models; OpenAI refuses the field
    // OpenAI's base URL ends in /v1 (as the openai SDK's baseURL does): its routes are /chat/completions, /completions, /embeddings.
    return { ...toProvider(exchange), body, path: exchange.path.replace(/^\/v1/, '') };
  };
}
