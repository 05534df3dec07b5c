import type { Context } from 'hono';
import type { InferenceEnv } from '../auth/inference-env';
import { chatConversation } from '../guardrails/conversation';
import { requestGuard } from '../guardrails/request-guard';
import { validate } from '../http/validate';
import { once } from '../protocols/chat/chat-exchange';
import { originExchange } from '../protocols/registry';
import { refuseUnsupported } from '../protocols/responses/refusals';
import { ResponsesRequest } from '../protocols/responses/types';
import { responsesToChat } from '../protocols/responses-on-chat/request-adapter';
import { relay } from '../proxy/relay';
import { inClientTerms } from './client-terms';
import { exchangeContext } from './exchange-context';
import { readInferenceBody, targetEndpoint } from './inference-target';

/**
 * `POST /v1/responses` (and under `/endpoints/{name}`): the OpenAI Responses API,
 * stateless. Passed through to a served entity that serves it itself
 * (`responses_api: true`), translated to the chat path for every other origin.
 */
export async function createResponse(c: Context<InferenceEnv>): Promise<Response> {
  const request = validate(ResponsesRequest, await readInferenceBody(c));
  refuseUnsupported(request);
  const chat = once(() => responsesToChat(request));
  // Translated first, whatever the origin: a request is refused or accepted the same way on every endpoint.
  chat();
  const endpoint = await targetEndpoint(c, request.model);
  const ctx = exchangeContext(c, endpoint, request.stream === true, 'chat');
  const exchange = inClientTerms('responses', () => originExchange('responses', { request, chat }, ctx));
  const guard = requestGuard(c, endpoint, 'responses', () => [chatConversation(chat().messages)]);
  return relay(c, { ...ctx, exchange, guard });
}
