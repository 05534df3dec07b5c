import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import { chatToTgi } from './request-adapter';
import { completionFromGenerate } from '../completions-on-tgi/response-translation';
import { CompletionsStreamCodec } from '../completions-on-tgi/stream-codec';
import { completionsToGenerate } from '../completions-on-tgi/request-adapter';
import { TgiChatCodec } from './stream-codec';
import { translateTgiChat } from './response-translation';

/**
 * An OpenAI chat or completions request to a TGI origin. Chat goes to TGI's own
 * Messages API with its traps fixed (chat-to-tgi.ts); completions go to the native
 * `/generate` / `/generate_stream`, whose answers carry the finish reason and
 * token counts the Messages API's completions route lacks. Fields TGI cannot
 * honour are refused here with a 400, before a slot is taken.
 */
export function openaiOnTgi(kind: 'chat' | 'completions', request: Record<string, unknown>, ctx: ExchangeContext): OriginExchange {
  const clientWantsUsage = (request.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
  if (kind === 'chat') {
    const id = `chatcmpl-${ctx.requestId}`;
    return {
      path: '/v1/chat/completions',
      body: chatToTgi(request, ctx.originModel, ctx.stream),
      codec: () => new TgiChatCodec({ endpointName: ctx.endpoint.name, id, clientWantsUsage }),
      translate: (json) => translateTgiChat(json, ctx.endpoint.name, ctx.requestId),
    };
  }
  const call = completionsToGenerate(request, ctx.originModel);
  const id = `cmpl-${ctx.requestId}`;
  return {
    path: ctx.stream ? '/generate_stream' : '/generate',
    body: call.body,
    codec: () =>
      new CompletionsStreamCodec({
        id,
        endpointName: ctx.endpoint.name,
        logprobs: call.logprobs,
        echo: call.echo ? call.body.inputs : null,
        clientWantsUsage,
      }),
    translate: (json, headers) => completionFromGenerate(json, headers, { id, endpointName: ctx.endpoint.name, logprobs: call.logprobs }),
  };
}
