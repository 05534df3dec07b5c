import { Hono, type Context } from 'hono';
import { applyDefaults } from '../endpoints/apply-defaults';
import { isExternal, originModelOf } from '../endpoints/schema';
import { pickServedEntity } from '../endpoints/traffic';
import { externalExchange } from '../external/exchange';
import type { InferenceKind } from '../protocols/openai/request-schemas';
import type { AppEnv } from '../env';
import { chatConversation } from '../guardrails/conversation';
import { requestGuard } from '../guardrails/request-guard';
import { readJsonBody } from '../http/json-body';
import { validate } from '../http/validate';
import { MessagesRequest } from '../protocols/anthropic/types';
import { anthropicOnChat } from '../protocols/anthropic-on-chat';
import { messagesToChat } from '../protocols/anthropic-on-chat/request-adapter';
import { relay } from '../proxy/relay';
import { targetEndpoint } from './inference-target';

/**
 * The Anthropic Messages API, `POST /v1/messages` and `/endpoints/{name}/v1/messages`
 * (authenticated by the /v1 middleware in app.ts, which also takes `x-api-key`;
 * `anthropic-version` is accepted and not needed). Errors in Anthropic's shape
 * (src/http/error-renderers.ts). Translated to the chat path for every origin.
 */
export const anthropicRoutes = new Hono<AppEnv>();

for (const prefix of ['', '/endpoints/:name']) anthropicRoutes.post(`${prefix}/v1/messages`, createMessage);

async function createMessage(c: Context<AppEnv>): Promise<Response> {
  const req = validate(MessagesRequest, await readJsonBody(c));
  const chatRequest = messagesToChat(req);
  const endpoint = await targetEndpoint(c, req.model);
  const entity = pickServedEntity(endpoint);
  const base = { endpoint, entity, originModel: originModelOf(entity), requestId: c.var.requestId, stream: req.stream === true };
  // An external model (OpenAI or Anthropic) gets the translated chat request through its provider's exchange.
  const ctx = isExternal(entity)
    ? { ...base, external: (kind: InferenceKind, request: Record<string, unknown>) => externalExchange(kind, request, { ...base, entity }, c.env, req.top_k) }
    : base;
  const exchange = anthropicOnChat(req, applyDefaults('chat', chatRequest, endpoint.defaults), ctx);
  const guard = requestGuard(c, endpoint, 'messages', () => [chatConversation(chatRequest.messages)]);
  return relay(c, { ...ctx, exchange, guard });
}
