import { applyDefaults } from '../../endpoints/apply-defaults';
import { ApiError, errors } from '../../http/errors';
import type { ExchangeContext, OriginExchange } from '../exchange';
import type { MessagesRequest } from '../anthropic/types';
import { chatExchange, type ChatTranslatable } from '../chat/chat-exchange';
import type { ChatCompletionBody } from '../openai/chat-types';
import type { ProtocolPair } from '../pair';
import { messagesField } from './request-adapter';
import { anthropicOnChatResponse } from './response-translation';
import { AnthropicOnChatCodec } from './stream-codec';

/**
 * An Anthropic Messages request on the internal chat path: its chat translation
 * (request-adapter.ts), with the endpoint's defaults applied, goes to the origin
 * through the chat pair its protocol needs, and the answer comes back as an
 * Anthropic message or event stream. A refusal of a chat message by the origin's
 * chat adapter names the Messages field it came from (`messages.2.content.1.input`,
 * `system`), else `messages`.
 */
export const anthropicOnChat: ProtocolPair<ChatTranslatable<MessagesRequest>> = {
  client: 'messages',
  origin: 'chat',
  exchange({ request, chat }: ChatTranslatable<MessagesRequest>, ctx: ExchangeContext): OriginExchange {
    // The translation's own refusals name the client's fields already; the origin's chat adapter's name chat's.
    const chatRequest = applyDefaults('chat', chat(), ctx.endpoint.defaults);
    let inner: OriginExchange;
    try {
      inner = chatExchange(chatRequest, ctx);
    } catch (err) {
      throw inMessagesTerms(err, chatRequest.messages);
    }
    const opts = {
      id: `msg_${ctx.requestId}`,
      endpointName: ctx.endpoint.name,
      requestId: ctx.requestId,
      stops: request.stop_sequences ?? [],
    };
    return {
      path: inner.path,
      body: inner.body,
      headers: inner.headers,
      failure: inner.failure,
      redact: inner.redact,
      codec: () => new AnthropicOnChatCodec(inner.codec(), opts),
      translate: (json, headers) => {
        const answer = inner.translate(json, headers);
        return {
          body: anthropicOnChatResponse(answer.body as ChatCompletionBody, answer.usage, opts),
          usage: answer.usage,
        };
      },
    };
  },
};

/**
 * A refusal of `messages.<k>…` as the Messages field it was translated from (a
 * message, one of its blocks, or `system`); one of a message the translation did not
 * build (the endpoint's system prompt), or of `messages` itself, names `messages`.
 * Other refusals are left to src/api/client-terms.ts.
 */
function inMessagesTerms(err: unknown, messages: readonly unknown[]): unknown {
  if (!(err instanceof ApiError) || err.param === null || !/^messages(\.|$)/.test(err.param)) return err;
  const param = messagesField(messages, err.param) ?? 'messages';
  let message = err.message.split(`'${err.param}'`).join(`'${param}'`);
  // A tool_use block's input is an object; chat carries it as JSON text, which is what the adapter describes.
  if (param.endsWith('.input')) message = message.split('a JSON object encoded as a string').join('a JSON object');
  return errors.inClientTerms(err, param, message);
}
