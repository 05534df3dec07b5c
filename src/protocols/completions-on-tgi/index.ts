import type { ExchangeContext, OriginExchange } from '../exchange';
import type { CompletionRequest } from '../openai/request-schemas';
import type { ProtocolPair } from '../pair';
import { completionsToTgi } from './request-adapter';
import { completionsOnTgiResponse } from './response-translation';
import { CompletionsOnTgiCodec } from './stream-codec';

/**
 * An OpenAI completions request to a TGI origin: the native `/generate` /
 * `/generate_stream`, whose answers carry the finish reason and token counts that
 * the Messages API's completions route lacks. Fields TGI cannot honour are refused
 * with a 400, before a slot is taken.
 */
export const completionsOnTgi: ProtocolPair<CompletionRequest> = {
  client: 'completions',
  origin: 'tgi',
  exchange(request: CompletionRequest, ctx: ExchangeContext): OriginExchange {
    const clientWantsUsage = request.stream_options?.include_usage === true;
    const call = completionsToTgi(request, ctx.originModel);
    const id = `cmpl-${ctx.requestId}`;
    return {
      path: ctx.stream ? '/generate_stream' : '/generate',
      body: call.body,
      codec: () =>
        new CompletionsOnTgiCodec({
          id,
          endpointName: ctx.endpoint.name,
          logprobs: call.logprobs,
          echo: call.echo ? call.body.inputs : null,
          clientWantsUsage,
        }),
      translate: (json, headers) =>
        completionsOnTgiResponse(json, headers, { id, endpointName: ctx.endpoint.name, logprobs: call.logprobs }),
    };
  },
};
