import type { Context } from 'hono';
import { isExternal, originModelOf, type Endpoint } from '../endpoints/schema';
import { pickServedEntity } from '../endpoints/traffic';
import type { InferenceEnv } from '../auth/inference-env';
import { providerTransport } from '../protocols/external/exchange';
import type { InferenceKind } from '../protocols/openai/request-schemas';
import type { ExchangeContext } from '../protocols/exchange';

/**
 * What the protocol pairs know of a request: the served entity the traffic split
 * picks, its origin model id, and for an external model its provider transport
 * (checked here: the task must answer `kind`, the secret must be set).
 */
export function exchangeContext(
  c: Context<InferenceEnv>,
  endpoint: Endpoint,
  stream: boolean,
  kind: InferenceKind,
  /** The client's own `top_k`, refused by providers that have none. */
  clientTopK?: unknown,
): ExchangeContext {
  const entity = pickServedEntity(endpoint);
  const ctx = { endpoint, entity, originModel: originModelOf(entity), requestId: c.get('requestId'), stream };
  return isExternal(entity)
    ? { ...ctx, provider: providerTransport(kind, { endpoint, entity }, c.env, clientTopK) }
    : ctx;
}
