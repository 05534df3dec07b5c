import type { Context } from 'hono';
import { authenticate } from '../auth/authenticate';
import type { InferenceEnv } from '../auth/inference-env';
import { messagesConversation } from '../guardrails/conversation';
import { requestGuard } from '../guardrails/request-guard';
import { validate } from '../http/validate';
import { MessagesRequest } from '../protocols/anthropic/types';
import { messagesToChat } from '../protocols/anthropic-on-chat/request-adapter';
import { once } from '../protocols/chat/chat-exchange';
import { originExchange } from '../protocols/registry';
import { relay } from '../proxy/relay';
import { inClientTerms } from './client-terms';
import { exchangeContext } from './exchange-context';
import { readInferenceBody, targetEndpoint } from './inference-target';
import { inferenceRoutes } from './route-group';

/**
 * The Anthropic Messages API, `POST /v1/messages` and `/endpoints/{name}/v1/messages`
 * (authenticated by `authenticate`, which also takes `x-api-key`;
 * `anthropic-version` is accepted and not needed; `anthropic-beta` goes on to Anthropic
 * models). Errors in Anthropic's shape
 * (src/http/error-renderers.ts). Passed through to an Anthropic external model,
 * translated to the chat path for every other origin.
 */
export const anthropicRoutes = inferenceRoutes('anthropic');

anthropicRoutes.use('/v1/messages', authenticate());
anthropicRoutes.use('/endpoints/:name/v1/messages', authenticate());
anthropicRoutes.post('/v1/messages', createMessage);
anthropicRoutes.post('/endpoints/:name/v1/messages', createMessage);

async function createMessage(c: Context<InferenceEnv>): Promise<Response> {
  const request = validate(MessagesRequest, await readInferenceBody(c));
  const chat = once(() => messagesToChat(request));
  const endpoint = await targetEndpoint(c, request.model);
  const ctx = exchangeContext(c, endpoint, request.stream === true, 'chat', request.top_k);
  // A pair on the chat path translates here (refusing what chat cannot carry); the passthrough sends the request as it is.
  const betas = c.req.header('anthropic-beta');
  const exchange = inClientTerms('messages', () =>
    originExchange('messages', { request, chat, ...(betas ? { betas } : {}) }, ctx),
  );
  // The guard reads the request's text itself: what the chat translation would refuse, a passthrough still sends.
  const guard = requestGuard(c, endpoint, 'messages', () => [messagesConversation(request)]);
  return relay(c, { ...ctx, exchange, guard });
}
