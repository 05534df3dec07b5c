import type { ServedEntity } from '../endpoints/schema';
import type { ExchangeContext, OriginExchange } from './exchange';
import { anthropicOnChat } from './anthropic-on-chat';
import { anthropicPassthrough, type MessagesInput } from './anthropic-passthrough';
import { chatPairs, type ChatTranslatable } from './chat/chat-exchange';
import { completionsOnTgi } from './completions-on-tgi';
import { generateOnOpenAI } from './generate-on-openai';
import { generatePassthrough } from './generate-passthrough';
import { completionsPassthrough, embeddingsPassthrough } from './openai-passthrough';
import type { InferenceRequest } from './openai/request-schemas';
import { exchangeOf, originProtocolsOf, type ProtocolPair } from './pair';
import type { ClientProtocol, OriginProtocol } from './protocol-names';
import { responsesOnChat } from './responses-on-chat';
import { responsesPassthrough } from './responses-passthrough';
import type { ResponsesRequest } from './responses/types';
import { teiOnOpenAI } from './tei-on-openai';
import type { EmbedRequest } from './tei/types';
import type { GenerateInput } from './tgi/types';

/** What each client protocol's pairs take (the route validates the client's request into this). */
export interface PairInputs extends InferenceRequest {
  responses: ChatTranslatable<ResponsesRequest>;
  messages: MessagesInput;
  generate: GenerateInput;
  embed: EmbedRequest;
}

type Registry = { [C in ClientProtocol]: Partial<Record<OriginProtocol, ProtocolPair<PairInputs[C]>>> };

/**
 * Every (client protocol → origin protocol) pair, one folder each. A `chat` origin
 * is the fallback: the pair translates its client protocol to a chat request and
 * rides the chat row, so it serves every origin that row serves. Adding a pair:
 * copy a folder, and list its index.ts here.
 */
export const registry = {
  chat: chatPairs,
  completions: { openai: completionsPassthrough, tgi: completionsOnTgi },
  embeddings: { openai: embeddingsPassthrough },
  responses: { 'openai-responses': responsesPassthrough, chat: responsesOnChat },
  messages: { anthropic: anthropicPassthrough, chat: anthropicOnChat },
  generate: { openai: generateOnOpenAI, tgi: generatePassthrough },
  embed: { openai: teiOnOpenAI },
} satisfies Registry;

/**
 * The pair that serves a client protocol on a served entity: the first origin
 * protocol the entity speaks that has one, else the client protocol's chat-path
 * pair. Null when there is none (the route says why, in its own words).
 */
export function pairFor<C extends ClientProtocol>(client: C, entity: ServedEntity): ProtocolPair<PairInputs[C]> | null {
  const row: Registry[C] = registry[client];
  for (const origin of originProtocolsOf(entity)) {
    const pair = row[origin];
    if (pair) return pair;
  }
  return row.chat ?? null;
}

/** The origin exchange for a client's request: its pair's (see `pairFor`), with the provider transport of an external model. */
export function originExchange<C extends ClientProtocol>(
  client: C,
  input: PairInputs[C],
  ctx: ExchangeContext,
): OriginExchange {
  const pair = pairFor(client, ctx.entity);
  if (!pair) throw new Error(`internal: no ${client} pair for served entity '${ctx.entity.name}'`);
  return exchangeOf(pair, input, ctx);
}
