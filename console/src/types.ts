// The admin API's shapes as the console reads them (see /openapi.json for the full ones).

export interface Origin {
  url: string;
  weight?: number;
  region?: string;
}

export interface SelfHostedEntity {
  name: string;
  protocol: 'openai' | 'tgi';
  model: string;
  model_version?: string;
  origins: Origin[];
}

/** A provider's hosted model; its API key is shown as the secret reference (`{{secrets/NAME}}`), never the key. */
export interface ExternalEntity {
  name: string;
  external_model: {
    name: string;
    provider: 'openai' | 'anthropic';
    task: string;
    openai_config?: { openai_api_key: string; openai_api_base?: string };
    anthropic_config?: { anthropic_api_key: string; anthropic_api_base?: string };
  };
}

export type ServedEntity = SelfHostedEntity | ExternalEntity;

export function isExternal(entity: ServedEntity): entity is ExternalEntity {
  return 'external_model' in entity;
}

export interface Defaults {
  system_prompt?: string;
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  top_k?: number;
  stop?: string | string[];
  presence_penalty?: number;
  frequency_penalty?: number;
}

export interface RateLimit {
  key: 'api_key' | 'endpoint';
  calls: number;
  renewal_period: 'minute' | 'hour' | 'day';
}

export interface EndpointView {
  /** `shared`: the endpoint is only shared with the caller's tenant; the API then sends no config (see `endpointView`). */
  access: 'tenant' | 'shared';
  name: string;
  description: string;
  tenant: string;
  owner: string;
  state: 'ready' | 'not_ready' | 'stopped';
  /** Why it is not_ready (e.g. an external model's missing secret); empty otherwise. */
  state_reason?: string;
  config_version: number;
  pending_version: number | null;
  config_update: 'none' | 'in_progress' | 'failed';
  config_update_error: string;
  served_entities: ServedEntity[];
  traffic: Array<{ served_entity: string; percentage: number }>;
  defaults: Defaults;
  rate_limits: RateLimit[];
  tags: Array<{ key: string; value: string }>;
  timeouts: { first_byte_ms?: number; idle_ms?: number; total_ms?: number };
  shared_with: string[];
  created_at: string;
  updated_at: string;
  origin_health?: Array<{ served_entity: string; url: string; healthy: boolean | null; checked_at: string | null; source: string | null; detail: string }>;
}

export interface KeyView {
  id: string;
  prefix: string;
  description: string;
  kind: 'endpoint' | 'platform';
  role: string | null;
  tenant: string;
  endpoints: string[] | null;
  concurrency_limit: number;
  status: 'active' | 'revoked';
  first_key: boolean;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  in_flight?: number;
}
