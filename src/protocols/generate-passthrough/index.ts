import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import type { GenerateRequest, TgiGenerateResponse } from '../tgi/types';
import { TgiStreamCodec } from './stream-codec';

/** How the client called: `/generate`, `/generate_stream`, or the compat root (whose non-stream answer is an array). */
export type GenerateRoute = 'generate' | 'generate_stream' | 'compat';

/**
 * A TGI request to a TGI origin: `/generate` or `/generate_stream` with the same
 * inputs and parameters (the router-only `model` and the compat `stream` flag
 * removed). The router always asks for `details`, which carry the token counts,
 * and removes them again when the client did not ask.
 */
export function generateOnTgi(req: GenerateRequest, route: GenerateRoute, ctx: ExchangeContext): OriginExchange {
  const clientWantsDetails = req.parameters?.details === true;
  const parameters = { ...(req.parameters ?? { do_sample: true }), details: true };
  return {
    path: ctx.stream ? '/generate_stream' : '/generate',
    body: { inputs: req.inputs, parameters },
    codec: () => new TgiStreamCodec(clientWantsDetails),
    translate: (json, headers) => {
      const response = json as TgiGenerateResponse;
      const usage = {
        promptTokens: Number(headers.get('x-prompt-tokens') ?? response.details?.input_length ?? 0),
        completionTokens: response.details?.generated_tokens ?? Number(headers.get('x-generated-tokens') ?? 0),
      };
      const body = clientWantsDetails || req.parameters?.decoder_input_details ? response : withoutDetails(response);
      return { body: route === 'compat' ? [body] : body, usage };
    },
  };
}

function withoutDetails(response: TgiGenerateResponse): TgiGenerateResponse {
  const { details: _details, ...rest } = response;
  return rest;
}
