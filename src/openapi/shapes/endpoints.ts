import { z } from 'zod';
// Explicit extensions: scripts (run by Node) and the console import this file's types (src/api-types.ts).
import { Defaults, Guardrails, RateLimit, ServedEntity, Tag, Timeouts, TrafficRoute } from '../../endpoints/schema.ts';
import { PageOf } from './page.ts';

/** An endpoint as the admin API shows it (src/api/admin/endpoint-view.ts over the `Endpoint` record). */
const config = {
  served_entities: z.array(ServedEntity),
  traffic: z.array(TrafficRoute),
  defaults: Defaults,
  rate_limits: z.array(RateLimit),
  tags: z.array(Tag),
  timeouts: Timeouts,
  guardrails: Guardrails.optional().meta({
    description: 'Llama Guard moderation of prompts (`input`) and answers (`output`); absent when none',
  }),
};

export const EndpointConfigObject = z.object(config);

const Urls = z
  .object({
    openai: z.string().meta({ description: 'OpenAI base URL (`model` is the endpoint name either way)' }),
    tgi: z.string(),
  })
  .meta({ description: 'Where clients call it' });

export const EndpointObject = z.object({
  access: z.literal('tenant').meta({ description: 'The caller sees the whole endpoint (its tenant, or an org admin)' }),
  id: z.string().meta({ description: 'Identity: unlike the name, never reused' }),
  name: z.string(),
  urls: Urls,
  description: z.string(),
  tenant: z.string().meta({ description: 'Owning tenant' }),
  owner: z.string().meta({ description: 'Who created it: `admin` or a platform key id' }),
  shared_with: z.array(z.string()).meta({ description: 'Other tenants whose keys may call it' }),
  state: z.enum(['ready', 'not_ready', 'stopped']).meta({
    description: "`not_ready`: no origin of the serving config is healthy, or an external model's secret is missing",
  }),
  state_reason: z.string().meta({
    description: 'Why the endpoint is `not_ready` (names the missing secret, never its value); empty otherwise',
  }),
  config_version: z.number().int().meta({ description: 'The config version that serves' }),
  pending_version: z.number().int().nullable().meta({ description: 'A newer version being rolled out, or null' }),
  config_update: z.enum(['none', 'in_progress', 'failed']),
  config_update_error: z.string(),
  ...config,
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

export const OriginHealthEntry = z.object({
  served_entity: z.string(),
  url: z.string(),
  healthy: z
    .boolean()
    .nullable()
    .meta({ description: 'the last health probe (a failed one counts for 60 s); null: never probed' }),
  checked_at: z.iso.datetime().nullable(),
  source: z
    .enum(['probe'])
    .nullable()
    .meta({ description: 'probe: the cron probe (GET /health), the only writer; null: never probed' }),
  detail: z.string(),
});

/** Endpoint info and the answer of every endpoint write: the endpoint with each origin's last known health. */
export const EndpointInfo = EndpointObject.extend({ origin_health: z.array(OriginHealthEntry) });

export const EndpointCreated = EndpointInfo.extend({
  first_key: z.object({ id: z.string(), key: z.string(), prefix: z.string() }).meta({
    description: "The endpoint's First Key (scoped to it, cannot be revoked or edited); `key` is shown only here",
  }),
});

/** An endpoint as a tenant it is shared with sees it (src/endpoints/shared-view.ts): what its keys need to call it. */
export const SharedEndpointObject = z.object({
  access: z.literal('shared').meta({
    description: 'Shared with the caller’s tenant: no origins, models, traffic, tags, owner, shares or history',
  }),
  name: z.string(),
  description: z.string(),
  state: z.enum(['ready', 'stopped']),
  urls: Urls,
  defaults: Defaults,
  rate_limits: z.array(RateLimit),
  timeouts: Timeouts,
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

/** What `GET /endpoints/{name}` answers: the whole endpoint, or the shared view. */
export const EndpointRead = z.union([EndpointInfo, SharedEndpointObject]);

export const EndpointList = PageOf(z.union([EndpointObject, SharedEndpointObject]));

export const EndpointVersionList = PageOf(
  z.object({
    version: z.number().int(),
    created_at: z.iso.datetime(),
    serving: z.boolean(),
    pending: z.boolean(),
    config: EndpointConfigObject,
  }),
);

export const EndpointDeleted = z.object({ name: z.string(), deleted: z.literal(true) });
