import { applyDefaults } from '../../endpoints/apply-defaults';
import { ApiError, errors } from '../../http/errors';
import type { ExchangeContext, OriginExchange } from '../exchange';
import { chatExchange, type ChatTranslatable } from '../chat/chat-exchange';
import type { ChatCompletionBody } from '../openai/chat-types';
import type { ProtocolPair } from '../pair';
import type { ResponseShell } from '../responses/response-object';
import type { ResponsesRequest } from '../responses/types';
import { inputField } from './request-adapter';
import { responsesOnChatResponse } from './response-translation';
import { ResponsesOnChatCodec } from './stream-codec';

/**
 * A Responses request on the internal chat path: its chat translation
 * (request-adapter.ts), with the endpoint's defaults applied, goes to the origin
 * through the chat pair its protocol needs, and the answer comes back as a
 * Responses object or event stream. A refusal of a chat message by the origin's
 * chat adapter names the input item it came from (`input.3.role`).
 */
export const responsesOnChat: ProtocolPair<ChatTranslatable<ResponsesRequest>> = {
  client: 'responses',
  origin: 'chat',
  exchange({ request, chat }: ChatTranslatable<ResponsesRequest>, ctx: ExchangeContext): OriginExchange {
    const chatRequest = applyDefaults('chat', chat(), ctx.endpoint.defaults);
    let inner: OriginExchange;
    try {
      inner = chatExchange(chatRequest, ctx);
    } catch (err) {
      throw inInputTerms(err, chatRequest.messages);
    }
    const shell: ResponseShell = {
      id: `resp_${ctx.requestId}`,
      createdAt: Math.floor(Date.now() / 1000),
      endpointName: ctx.endpoint.name,
      request,
    };
    return {
      path: inner.path,
      body: inner.body,
      headers: inner.headers,
      failure: inner.failure,
      redact: inner.redact,
      codec: () => new ResponsesOnChatCodec(inner.codec(), shell, ctx.requestId),
      translate: (json, headers) => {
        const answer = inner.translate(json, headers);
        return {
          body: responsesOnChatResponse(answer.body as ChatCompletionBody, answer.usage, shell, ctx.requestId),
          usage: answer.usage,
        };
      },
    };
  },
};

/**
 * A refusal of `messages.<k>…` as the Responses field it was translated from (the
 * chat message's input item, instructions or string input); other refusals, and a
 * message the translation did not build, are left to src/api/client-terms.ts.
 */
function inInputTerms(err: unknown, messages: readonly unknown[]): unknown {
  if (!(err instanceof ApiError) || err.param === null) return err;
  const param = inputField(messages, err.param);
  if (param === null) return err;
  return errors.inClientTerms(err, param);
}
