import type { Context } from 'hono';
import { applyDefaults } from '../endpoints/apply-defaults';
import { isExternal, originModelOf } from '../endpoints/schema';
import { pickServedEntity } from '../endpoints/traffic';
import { externalExchange } from '../external/exchange';
import type { InferenceKind } from '../protocols/openai/request-schemas';
import type { AppEnv } from '../env';
import { readJsonBody } from '../http/json-body';
import { chatConversation } from '../guardrails/conversation';
import { requestGuard } from '../guardrails/request-guard';
import { validate } from '../http/validate';
import { refuseUnsupported } from '../protocols/responses/refusals';
import { ResponsesRequest } from '../protocols/responses/types';
import { responsesOnChat } from '../protocols/responses-on-chat';
import { responsesToChat } from '../protocols/responses-on-chat/request-adapter';
import { responsesPassthrough } from '../protocols/responses-passthrough';
import { withResponsesDefaults } from '../protocols/responses-passthrough/request-adapter';
import { relay } from '../proxy/relay';
import { targetEndpoint } from './inference-target';

/**
 * `POST /v1/responses` (and under `/endpoints/{name}`): the OpenAI Responses API,
 * stateless. Passed through to a served entity that serves it itself
 * (`responses_api: true`), translated to the chat path for every other origin.
 */
export async function createResponse(c: Context<AppEnv>): Promise<Response> {
  const req = validate(ResponsesRequest, await readJsonBody(c));
  refuseUnsupported(req);
  const stream = req.stream === true;
  // Translated first, whatever the origin: a request is refused or accepted the same way on every endpoint.
  const chatRequest = responsesToChat(req);
  const endpoint = await targetEndpoint(c, req.model);
  const entity = pickServedEntity(endpoint);
  const base = { endpoint, entity, originModel: originModelOf(entity), requestId: c.var.requestId, stream };
  const ctx = isExternal(entity)
    ? { ...base, external: (kind: InferenceKind, request: Record<string, unknown>) => externalExchange(kind, request, { ...base, entity }, c.env, undefined) }
    : base;
  const exchange =
    !isExternal(entity) && entity.protocol === 'openai' && entity.responses_api === true
      ? responsesPassthrough(withResponsesDefaults(req, endpoint.defaults), ctx)
      : responsesOnChat(req, applyDefaults('chat', chatRequest, endpoint.defaults), ctx);
  const guard = requestGuard(c, endpoint, 'responses', () => [chatConversation(chatRequest.messages)]);
  return relay(c, { ...ctx, exchange, guard });
}
