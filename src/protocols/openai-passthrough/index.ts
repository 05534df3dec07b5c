import type { ExchangeContext, OriginExchange } from '../../proxy/exchange';
import { originPathFor, type InferenceKind } from '../openai/request-schemas';
import { OpenAIStreamCodec } from './stream-codec';
import { translateOpenAIResponse } from './response-translation';

/**
 * OpenAI-style request to an OpenAI-compatible origin (vLLM, SGLang, llama.cpp):
 * same route and body, `model` set to the origin's id, and usage always asked for
 * on streams (the codec drops the usage chunk again if the client did not ask).
 */
export function openaiPassthrough(kind: InferenceKind, request: Record<string, unknown>, ctx: ExchangeContext): OriginExchange {
  const body: Record<string, unknown> = { ...request, model: ctx.originModel };
  const streamOptions = request.stream_options as { include_usage?: boolean | null } | null | undefined;
  if (ctx.stream) body.stream_options = { ...streamOptions, include_usage: true };
  return {
    path: originPathFor[kind],
    body,
    codec: () =>
      new OpenAIStreamCodec({
        originModel: ctx.originModel,
        endpointName: ctx.endpoint.name,
        clientWantsUsage: streamOptions?.include_usage === true,
      }),
    translate: (json) => translateOpenAIResponse(json, ctx.endpoint.name),
  };
}
