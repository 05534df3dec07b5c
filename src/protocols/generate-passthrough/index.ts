import type { ExchangeContext, OriginExchange } from '../exchange';
import type { ProtocolPair } from '../pair';
import type { GenerateInput } from '../tgi/types';
import { generatePassthroughResponse } from './response-translation';
import { GeneratePassthroughCodec } from './stream-codec';

/**
 * A TGI request to a TGI origin: `/generate` or `/generate_stream` with the same
 * inputs and parameters (the router-only `model` and the compat `stream` flag
 * removed). The router always asks for `details`, which carry the token counts,
 * and removes them again when the client did not ask.
 */
export const generatePassthrough: ProtocolPair<GenerateInput> = {
  client: 'generate',
  origin: 'tgi',
  exchange(input: GenerateInput, ctx: ExchangeContext): OriginExchange {
    const req = input.request;
    const parameters = { ...(req.parameters ?? { do_sample: true }), details: true };
    return {
      path: ctx.stream ? '/generate_stream' : '/generate',
      body: { inputs: req.inputs, parameters },
      codec: () => new GeneratePassthroughCodec(req.parameters?.details === true),
      translate: (json, headers) => generatePassthroughResponse(json, headers, input),
    };
  },
};
