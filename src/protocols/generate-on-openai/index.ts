import type { ExchangeContext, OriginExchange } from '../exchange';
import type { ProtocolPair } from '../pair';
import type { GenerateInput } from '../tgi/types';
import { generateToOpenAI } from './request-adapter';
import { generateOnOpenAIResponse } from './response-translation';
import { GenerateOnOpenAICodec } from './stream-codec';

/**
 * A TGI generate request to an OpenAI-compatible origin (vLLM): `/v1/completions`
 * with the parameters translated (request-adapter.ts), and the answer rebuilt in
 * TGI's shapes, streaming (one TGI event per token) and not.
 */
export const generateOnOpenAI: ProtocolPair<GenerateInput> = {
  client: 'generate',
  origin: 'openai',
  exchange({ request, route }: GenerateInput, ctx: ExchangeContext): OriginExchange {
    const call = generateToOpenAI(request, ctx.originModel, ctx.stream);
    return {
      path: '/v1/completions',
      body: call.body,
      codec: () =>
        new GenerateOnOpenAICodec({
          prefix: call.prefix,
          wantDetails: request.parameters?.details === true,
          seed: call.seed,
        }),
      translate: (json) => generateOnOpenAIResponse(json, call, route),
    };
  },
};
