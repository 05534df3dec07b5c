import { isExternal, type ServedEntity } from '../endpoints/schema';
import type { ExchangeContext, OriginExchange } from './exchange';

/** The protocols clients call the router with: one route group each (README, "Inference API"). */
export type ClientProtocol = 'chat' | 'completions' | 'embeddings' | 'responses' | 'messages' | 'generate' | 'embed';

/**
 * What a served entity's origin speaks:
 * - `openai`: OpenAI's inference API (vLLM, SGLang, llama.cpp server, and OpenAI itself);
 * - `openai-responses`: such an origin that also serves `/v1/responses` (`responses_api: true`);
 * - `tgi`: Text Generation Inference (its generate API and its Messages API);
 * - `anthropic`: Anthropic's Messages API;
 * - `chat`: any of them, reached through the router's internal chat path (the pair
 *   translates its client protocol to a chat request and back; see chat/chat-exchange.ts).
 */
export type OriginProtocol = 'openai' | 'openai-responses' | 'tgi' | 'anthropic' | 'chat';

/**
 * One (client protocol → origin protocol) pair: a folder under src/protocols/ whose
 * index.ts exports this, built from the folder's request adapter, stream codec and
 * response translation. `exchange` turns the client's validated request into the
 * origin request and the translations back (see exchange.ts).
 */
export interface ProtocolPair<Input> {
  readonly client: ClientProtocol;
  readonly origin: OriginProtocol;
  exchange(input: Input, ctx: ExchangeContext): OriginExchange;
}

/**
 * The protocols a served entity's origin speaks, the one to prefer first: a
 * pair for the first that has one serves the request (else its client protocol's
 * pair through the chat path).
 */
export function originProtocolsOf(entity: ServedEntity): OriginProtocol[] {
  if (isExternal(entity)) return [entity.external_model.provider];
  if (entity.protocol === 'tgi') return ['tgi'];
  return entity.responses_api === true ? ['openai-responses', 'openai'] : ['openai'];
}

/**
 * A pair's exchange, wrapped in the external model's provider transport when the
 * pair talks to the origin itself (a pair through the chat path gets it from the
 * chat pair it wraps), and marked with the pair's client protocol.
 */
export function exchangeOf<Input>(pair: ProtocolPair<Input>, input: Input, ctx: ExchangeContext): OriginExchange {
  const exchange = pair.exchange(input, ctx);
  return { ...(pair.origin !== 'chat' && ctx.provider ? ctx.provider(exchange) : exchange), client: pair.client };
}
