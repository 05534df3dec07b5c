// Explicit extensions: scripts (run by Node) and the console import these types too.
import type { z } from 'zod';
import type { KeyCreate, KeyPatch } from './api/admin/key-schemas.ts';
import type {
  Defaults,
  EndpointCreate,
  EndpointPatch,
  ExternalEntity,
  ExternalModel,
  Guard,
  Origin,
  RateLimit,
  SelfHostedEntity,
  ServedEntity,
  Timeouts,
} from './endpoints/schema.ts';
import type {
  EndpointCreated,
  EndpointInfo,
  EndpointObject,
  OriginHealthEntry,
  SharedEndpointObject,
} from './openapi/shapes/endpoints.ts';
import type { KeyCreated, KeyInfo, KeyObject, KeyUsage, UsageRowObject } from './openapi/shapes/keys.ts';

/**
 * The admin API's request and answer types, inferred from the schemas the router
 * validates with and the shapes its OpenAPI document is built from (each checked
 * against the code that answers, src/openapi/shape-checks.ts). The admin client
 * (scripts/lib/admin-client.ts) and the web console (console/src/types.ts) take
 * their types from here, type-only: no zod code reaches them.
 */

// What a client sends (defaults and optional fields as the schema accepts them).
export type OriginInput = z.input<typeof Origin>;
export type SelfHostedEntityInput = z.input<typeof SelfHostedEntity>;
export type ExternalModelInput = z.input<typeof ExternalModel>;
export type ExternalEntityInput = z.input<typeof ExternalEntity>;
export type ServedEntityInput = z.input<typeof ServedEntity>;
export type EndpointDefaults = z.input<typeof Defaults>;
export type EndpointTimeouts = z.input<typeof Timeouts>;
export type EndpointRateLimit = z.input<typeof RateLimit>;
export type GuardInput = z.input<typeof Guard>;
export type EndpointCreateInput = z.input<typeof EndpointCreate>;
export type EndpointPatchInput = z.input<typeof EndpointPatch>;
export type KeyCreateInput = z.input<typeof KeyCreate>;
export type KeyPatchInput = z.input<typeof KeyPatch>;

// What the router answers.
export type Endpoint = z.output<typeof EndpointObject>;
export type EndpointUrls = Endpoint['urls'];
export type SharedEndpoint = z.output<typeof SharedEndpointObject>;
export type EndpointDetails = z.output<typeof EndpointInfo>;
export type CreatedEndpoint = z.output<typeof EndpointCreated>;
export type OriginHealthInfo = z.output<typeof OriginHealthEntry>;
export type ApiKeyInfo = z.output<typeof KeyObject>;
export type CreatedKey = z.output<typeof KeyCreated>;
export type KeyDetails = z.output<typeof KeyInfo>;
export type UsageRow = z.output<typeof UsageRowObject>;
export type KeyUsageResponse = z.output<typeof KeyUsage>;

// How it refuses: one problem of a validation refusal (the admin API's `error.issues`, { param, message }).
// The OpenAPI shape AdminErrorIssue (src/openapi/shapes/errors.ts) is checked against this type.
export type { ApiIssue } from './http/api-error.ts';
