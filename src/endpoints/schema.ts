import { z } from 'zod';
import { CATEGORY_CODES } from './guardrail-categories.ts';

/** Endpoint and served-entity names: URL-safe, so they can sit in `/endpoints/{name}/…`. */
export const RESOURCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const ResourceName = z
  .string()
  .regex(RESOURCE_NAME_PATTERN, 'must be 1-64 characters: letters, digits, ".", "_" or "-"');

export const Origin = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Share of idle-time traffic relative to the entity's other origins (default 1). */
  weight: z.number().int().min(1).max(1000).optional(),
  /** Where the origin runs (e.g. `us-east-1`), shown in endpoint info; informational. */
  region: z.string().min(1).max(64).optional(),
});

/** A served entity on self-hosted origins (vLLM, SGLang, llama.cpp, TGI). */
export const SelfHostedEntity = z.strictObject({
  name: ResourceName,
  protocol: z.enum(['openai', 'tgi']),
  /** The model id the origin serves (vLLM `--served-model-name`, or `tgi`). */
  model: z.string().min(1).max(256),
  /** The model's version (informational, e.g. a registry version), updatable in place. */
  model_version: z.string().min(1).max(128).optional(),
  origins: z.array(Origin).min(1).max(64),
  /** The origin serves the OpenAI Responses API (`POST /v1/responses`, e.g. vLLM): Responses requests pass through instead of being translated to chat. */
  responses_api: z.boolean().optional(),
});

/** `{{secrets/NAME}}`: names a Worker secret; the key itself is never part of a config. */
export const SecretReference = z
  .string()
  .regex(
    /^\{\{secrets\/[A-Za-z_][A-Za-z0-9_]{0,127}\}\}$/,
    'must be a secret reference like {{secrets/OPENAI_API_KEY}} naming a Worker secret (put the key itself in the secret, never in the config)',
  );

const ApiBase = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const OpenAIConfig = z.strictObject({
  openai_api_key: SecretReference,
  /** Default `https://api.openai.com/v1`. */
  openai_api_base: ApiBase.optional(),
});

export const AnthropicConfig = z.strictObject({
  anthropic_api_key: SecretReference,
  /** Default `https://api.anthropic.com`. */
  anthropic_api_base: ApiBase.optional(),
});

export const ExternalTask = z.enum(['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings']);

export const ExternalModel = z.strictObject({
  /** The provider's model id, e.g. `gpt-4o-mini` or `claude-sonnet-4-5`. */
  name: z.string().min(1).max(256),
  provider: z.enum(['openai', 'anthropic']),
  /** Which routes the endpoint answers: chat completions, completions or embeddings. */
  task: ExternalTask,
  openai_config: OpenAIConfig.optional(),
  anthropic_config: AnthropicConfig.optional(),
});

/** A served entity that is a provider's hosted model (Databricks' external models). */
export const ExternalEntity = z.strictObject({
  name: ResourceName,
  external_model: ExternalModel,
});

/** Either kind; `external_model` in the object picks the external shape (so errors name the right fields). */
export const ServedEntity = z.union([ExternalEntity, SelfHostedEntity]);

export const TrafficRoute = z.strictObject({
  served_entity: z.string(),
  percentage: z.number().int().min(0).max(100),
});

export const Defaults = z.strictObject({
  system_prompt: z.string().max(100_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.number().int().min(-1).optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(16)]).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
});

export const RenewalPeriod = z.enum(['minute', 'hour', 'day']);

/**
 * Calls or tokens (prompt + completion) per period, counted per API key (`api_key`),
 * for all keys together (`endpoint`), or for all keys of each tenant (`tenant`).
 */
export const RateLimit = z
  .strictObject({
    key: z.enum(['api_key', 'endpoint', 'tenant']),
    calls: z.number().int().min(1).optional(),
    tokens: z.number().int().min(1).max(1_000_000_000_000).optional(),
    renewal_period: RenewalPeriod,
  })
  .superRefine((r, ctx) => {
    if ((r.calls === undefined) === (r.tokens === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [r.calls === undefined ? 'calls' : 'tokens'],
        message:
          r.calls === undefined
            ? "a rate limit needs 'calls' or 'tokens'"
            : "a rate limit counts 'calls' or 'tokens', not both: make two rules",
      });
    }
  });

export const Tag = z.strictObject({ key: z.string().min(1).max(128), value: z.string().max(256) });

/** Below this a timeout is a mistake, not a choice (no origin answers in under 100 ms with any reliability). */
const MIN_TIMEOUT_MS = 100;
const timeoutMs = z
  .number()
  .int()
  .min(MIN_TIMEOUT_MS, `must be at least ${MIN_TIMEOUT_MS} ms`)
  .max(3_600_000, 'must be at most 3600000 ms (1 hour)');

export const Timeouts = z.strictObject({
  /** Streaming: time until the origin's first event (failover to the next origin after it; under 1 s it does not count against the origin). */
  first_byte_ms: timeoutMs.optional(),
  /** Streaming: longest silence between two chunks of the origin's stream. */
  idle_ms: timeoutMs.optional(),
  /** Whole request, headers to last byte (non-streaming requests wait this long for the answer). */
  total_ms: timeoutMs.optional(),
});

/** One guardrail: a Llama Guard endpoint that checks prompts (input) or answers (output). */
export const Guard = z.strictObject({
  /** Name of an endpoint serving a Llama Guard 3 model, visible to this endpoint's tenant and not guarded itself. */
  endpoint: ResourceName,
  /** Hazard categories to check (default: all of S1–S14). */
  categories: z.array(z.enum(CATEGORY_CODES)).min(1).max(CATEGORY_CODES.length).optional(),
  /** `block`: refuse (or cut the stream); `flag`: serve, and name the categories in a response header. */
  action: z.enum(['block', 'flag']),
  /** What a guard failure or timeout does: serve unchecked (`fail_open`) or refuse (`fail_closed`). */
  on_error: z.enum(['fail_open', 'fail_closed']),
  /** Output guards on streams: check the answer every this many tokens (default 64) and at the end. */
  stream_check_tokens: z.number().int().min(1).max(4096).optional(),
});

export const Guardrails = z.strictObject({ input: Guard.optional(), output: Guard.optional() });

const configFields = {
  description: z.string().max(1024).optional(),
  served_entities: z.array(ServedEntity).min(1).max(16),
  traffic: z.array(TrafficRoute).optional(),
  defaults: Defaults.optional(),
  rate_limits: z.array(RateLimit).max(8).optional(),
  tags: z.array(Tag).max(64).optional(),
  timeouts: Timeouts.optional(),
  /** Llama Guard moderation of prompts and answers; `{}` removes it. */
  guardrails: Guardrails.optional(),
};

export const EndpointCreate = z.strictObject({
  name: ResourceName,
  /** Owning tenant; only an org admin may name one (others create in their own tenant). */
  tenant: ResourceName.optional(),
  ...configFields,
});
export const EndpointPatch = z.strictObject(configFields).partial();

export type EndpointCreate = z.infer<typeof EndpointCreate>;
export type EndpointPatch = z.infer<typeof EndpointPatch>;
export type ServedEntity = z.infer<typeof ServedEntity>;
export type SelfHostedEntity = z.infer<typeof SelfHostedEntity>;
export type ExternalEntity = z.infer<typeof ExternalEntity>;
export type ExternalModel = z.infer<typeof ExternalModel>;
export type ExternalTask = z.infer<typeof ExternalTask>;

export function isExternal(entity: ServedEntity): entity is ExternalEntity {
  return 'external_model' in entity;
}

/** The model id the entity's origins (or provider) know: `model`, or the external model's `name`. */
export function originModelOf(entity: ServedEntity): string {
  return isExternal(entity) ? entity.external_model.name : entity.model;
}
export type TrafficRoute = z.infer<typeof TrafficRoute>;
export type Defaults = z.infer<typeof Defaults>;
export type RateLimit = z.infer<typeof RateLimit>;
export type Tag = z.infer<typeof Tag>;
export type Timeouts = z.infer<typeof Timeouts>;
export type Guard = z.infer<typeof Guard>;
export type Guardrails = z.infer<typeof Guardrails>;

/** What one config version holds (stored as JSON in `endpoint_configs`). */
export interface EndpointConfig {
  served_entities: ServedEntity[];
  traffic: TrafficRoute[];
  defaults: Defaults;
  rate_limits: RateLimit[];
  tags: Tag[];
  timeouts: Timeouts;
  /** Absent when the endpoint has no guardrails (and in versions written before they existed). */
  guardrails?: Guardrails;
}

/** An endpoint as the API shows it and the data plane uses it. */
export interface Endpoint extends EndpointConfig {
  /** The endpoint's identity: unlike its name, never reused (rate-limit state is keyed by it). */
  id: string;
  name: string;
  description: string;
  /** Stored state; the API also shows `not_ready` when no origin of the serving config is healthy. */
  state: 'ready' | 'stopped';
  /** The config version that serves. */
  config_version: number;
  /** A newer version being rolled out (serves once its origins pass a health probe), or null. */
  pending_version: number | null;
  config_update: 'none' | 'in_progress' | 'failed';
  config_update_error: string;
  tenant_id: string;
  owner: string;
  /** Other tenants whose keys may call this endpoint. */
  shared_with: string[];
  created_at: string;
  updated_at: string;
}
