import type { TokenCounts } from '../shared/stream-codec';
import type { GenerateInput, TgiGenerateResponse } from '../tgi/types';

/**
 * A TGI origin's `/generate` answer for a TGI client: as it came, without the
 * `details` the router asked for when the client did not (an array on the compat
 * root). Token counts from TGI's `x-prompt-tokens` / `x-generated-tokens` headers,
 * else from `details`.
 */
export function generatePassthroughResponse(
  json: unknown,
  headers: Headers,
  { request, route }: GenerateInput,
): { body: unknown; usage: TokenCounts } {
  const response = json as TgiGenerateResponse;
  const usage = {
    promptTokens: Number(headers.get('x-prompt-tokens') ?? response.details?.input_length ?? 0),
    completionTokens: response.details?.generated_tokens ?? Number(headers.get('x-generated-tokens') ?? 0),
  };
  const keepDetails = request.parameters?.details === true || request.parameters?.decoder_input_details;
  const body = keepDetails ? response : withoutDetails(response);
  return { body: route === 'compat' ? [body] : body, usage };
}

function withoutDetails(response: TgiGenerateResponse): TgiGenerateResponse {
  const { details: _details, ...rest } = response;
  return rest;
}
