// The admin API's shapes as the console reads them: taken from the router's own schemas
// (src/api-types.ts), type-only, so the bundle carries no schema code.
import type { ApiKeyInfo, Endpoint, EndpointDetails, KeyDetails } from '../../src/api-types.ts';

export type { ApiIssue } from '../../src/api-types.ts';

type Entity = Endpoint['served_entities'][number];

/** A provider's hosted model; its API key is shown as the secret reference (`{{secrets/NAME}}`), never the key. */
export type ExternalEntity = Extract<Entity, { external_model: unknown }>;
export type SelfHostedEntity = Exclude<Entity, ExternalEntity>;
export type ServedEntity = Entity;
export type Origin = SelfHostedEntity['origins'][number];
export type Defaults = Endpoint['defaults'];
export type RateLimit = Endpoint['rate_limits'][number];

export function isExternal(entity: ServedEntity): entity is ExternalEntity {
  return 'external_model' in entity;
}

/**
 * An endpoint as the pages see it: the API's endpoint, where a view shared with the
 * caller's tenant (no config, `access: 'shared'`) is normalised into one with no
 * served entities (api.ts `endpointView`), so its identity, URLs and health may be absent.
 */
export type EndpointView = Omit<EndpointDetails, 'access' | 'id' | 'urls' | 'state_reason' | 'origin_health'> & {
  access: 'tenant' | 'shared';
  id?: string;
  urls?: EndpointDetails['urls'];
  /** Why it is not_ready (e.g. an external model's missing secret); empty otherwise. */
  state_reason?: string;
  origin_health?: EndpointDetails['origin_health'];
};

/** An API key as the API shows it; `in_flight` and `token_window` only in a key's own read. */
export type KeyView = ApiKeyInfo & { in_flight?: number; token_window?: KeyDetails['token_window'] };
