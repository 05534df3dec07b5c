import type { ExchangeContext, OriginExchange } from '../exchange';
import {
  originPathFor,
  type ChatRequest,
  type CompletionRequest,
  type InferenceKind,
  type InferenceRequest,
} from '../openai/request-schemas';
import type { ProtocolPair } from '../pair';
import { openaiPassthroughResponse, openaiPassthroughText } from './response-translation';
import { OpenAIPassthroughCodec } from './stream-codec';
import { OpenAIPassthroughScanner } from './stream-scanner';

/**
 * OpenAI-style request to an OpenAI-compatible origin (vLLM, SGLang, llama.cpp):
 * same route and body, `model` set to the origin's id, and usage always asked for
 * on streams (the codec drops the usage chunk again if the client did not ask). When
 * nothing needs changing (the origin serves the model under the endpoint's name, the
 * client asked for usage), a stream passes through natively and is only scanned.
 * One pair per route: chat, completions and embeddings pass through alike.
 */
function openaiPassthrough<K extends InferenceKind>(kind: K): ProtocolPair<InferenceRequest[K]> {
  return {
    client: kind,
    origin: 'openai',
    exchange(request: InferenceRequest[K], ctx: ExchangeContext): OriginExchange {
      const body: Record<string, unknown> = { ...request, model: ctx.originModel };
      const streamOptions = (request as ChatRequest | CompletionRequest).stream_options;
      const clientWantsUsage = streamOptions?.include_usage === true;
      if (ctx.stream) body.stream_options = { ...streamOptions, include_usage: true };
      return {
        path: originPathFor[kind],
        body,
        codec: () =>
          new OpenAIPassthroughCodec({
            originModel: ctx.originModel,
            endpointName: ctx.endpoint.name,
            clientWantsUsage,
          }),
        // The origin serves the model under the endpoint's name and the client asked for the usage chunk: its
        // stream is the client's as it stands. Not for a provider's (it names a dated snapshot, not the alias).
        passthrough:
          ctx.stream &&
          clientWantsUsage &&
          ctx.originModel === ctx.endpoint.name &&
          !ctx.provider &&
          mayRunLong(request as ChatRequest | CompletionRequest)
            ? () => new OpenAIPassthroughScanner()
            : undefined,
        translate: (json) => openaiPassthroughResponse(json, ctx.endpoint.name),
        translateText: (text) =>
          openaiPassthroughText(
            text,
            `"model":${JSON.stringify(ctx.originModel)}`,
            `"model":${JSON.stringify(ctx.endpoint.name)}`,
          ),
      };
    },
  };
}

/**
 * A stream capped at this many events or fewer (`max_tokens` or `max_completion_tokens`, times `n`) is
 * re-framed event by event even when it could pass through natively: the pump costs it ~0.1 ms of CPU per
 * event, ~3 ms at most, while the native path's fixed cost per stream (a tee, a pipe, a scan) showed in the
 * bench as a worse first-token p99 on 16-event streams (README, Benchmark results). Longer streams, and
 * those with no cap, pass through.
 */
export const SHORT_STREAM_EVENTS = 32;

function mayRunLong(request: ChatRequest | CompletionRequest): boolean {
  const cap = (request as ChatRequest).max_completion_tokens ?? request.max_tokens;
  return cap == null || cap * (request.n ?? 1) > SHORT_STREAM_EVENTS;
}

export const chatPassthrough = openaiPassthrough('chat');
export const completionsPassthrough = openaiPassthrough('completions');
export const embeddingsPassthrough = openaiPassthrough('embeddings');
