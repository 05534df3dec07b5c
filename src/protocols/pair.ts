import { isExternal, type ServedEntity } from '../endpoints/schema';
import type { ExchangeContext, OriginExchange } from './exchange';
import type { ClientProtocol, OriginProtocol } from './protocol-names';

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
