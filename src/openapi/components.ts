import { z } from 'zod';
import { EntityUpdate, Rollback, Share, TenantCreate } from '../api/admin/admin-schemas';
import { KeyCreate, KeyPatch } from '../api/admin/key-schemas';
import { ModelRequestCreate, ModelRequestUpdate } from '../model-requests/schemas';
import {
  AnthropicConfig,
  Defaults,
  EndpointCreate,
  EndpointPatch,
  ExternalEntity,
  ExternalModel,
  OpenAIConfig,
  Origin,
  RateLimit,
  ResourceName,
  SelfHostedEntity,
  ServedEntity,
  Tag,
  Timeouts,
  TrafficRoute,
} from '../endpoints/schema';
import { ChatRequest, CompletionRequest, EmbeddingRequest } from '../protocols/openai/request-schemas';
import { MessagesRequest } from '../protocols/anthropic/types';
import { ResponsesRequest } from '../protocols/responses/types';
import { EmbedRequest } from '../protocols/tei/types';
import { GenerateParameters, GenerateRequest, Grammar } from '../protocols/tgi/types';
import { AuditList, AuditRecordObject } from './shapes/audit';
import {
  EndpointConfigObject,
  EndpointCreated,
  EndpointDeleted,
  EndpointInfo,
  EndpointList,
  EndpointObject,
  EndpointRead,
  EndpointVersionList,
  SharedEndpointObject,
} from './shapes/endpoints';
import { AdminError, AdminErrorIssue, AnthropicErrorShape, OpenAIError, TgiErrorBody } from './shapes/errors';
import { KeyCreated, KeyInfo, KeyList, KeyObject, KeyUsage, UsageRowObject } from './shapes/keys';
import { ModelRequestList, ModelRequestObject } from './shapes/model-requests';
import { ChatCompletion, ChatCompletionChunk, Completion, EmbeddingList, ModelList } from './shapes/openai';
import { EndpointMetricsObject, PrometheusText } from './shapes/metrics';
import { AnthropicMessageShape, MessageStreamEvent } from './shapes/anthropic';
import { EmbedResponse } from './shapes/tei';
import { ResponseObjectShape, ResponseStreamEvent } from './shapes/responses';
import { ConsoleFile, ConsolePage, DocsPage, Health, Me, OpenApiDocument } from './shapes/service';
import { TenantList, TenantObject } from './shapes/tenants';
import {
  GenerateCompatResponse,
  GenerateResponse,
  GenerateStreamEvent,
  TgiGenerationDetails,
  TgiToken,
} from './shapes/tgi';

/**
 * The named schemas of the API description (`components.schemas`): the request
 * schemas the routes validate with, and the response shapes from ./shapes. A
 * schema named here is referenced (`$ref`) wherever it appears, also nested.
 */
const named = {
  // Requests: the schemas the code validates with.
  ChatRequest,
  CompletionRequest,
  EmbeddingRequest,
  ResponsesRequest,
  MessagesRequest,
  EmbedRequest,
  GenerateRequest,
  GenerateParameters,
  Grammar,
  EndpointCreate,
  EndpointPatch,
  ResourceName,
  ServedEntity,
  SelfHostedEntity,
  ExternalEntity,
  ExternalModel,
  OpenAIConfig,
  AnthropicConfig,
  Origin,
  TrafficRoute,
  Defaults,
  RateLimit,
  Tag,
  Timeouts,
  KeyCreate,
  KeyPatch,
  Rollback,
  EntityUpdate,
  Share,
  TenantCreate,
  ModelRequestCreate,
  ModelRequestUpdate,
  // Responses.
  ChatCompletion,
  ChatCompletionChunk,
  Completion,
  EmbeddingList,
  ModelList,
  Response: ResponseObjectShape,
  ResponseStreamEvent,
  Message: AnthropicMessageShape,
  MessageStreamEvent,
  EmbedResponse,
  GenerateResponse,
  GenerateCompatResponse,
  GenerateStreamEvent,
  TgiGenerationDetails,
  TgiToken,
  Endpoint: EndpointObject,
  SharedEndpoint: SharedEndpointObject,
  EndpointRead,
  EndpointConfig: EndpointConfigObject,
  EndpointInfo,
  EndpointCreated,
  EndpointList,
  EndpointVersionList,
  EndpointDeleted,
  Key: KeyObject,
  KeyCreated,
  KeyInfo,
  KeyList,
  KeyUsage,
  UsageRow: UsageRowObject,
  Tenant: TenantObject,
  TenantList,
  AuditRecord: AuditRecordObject,
  AuditList,
  ModelRequest: ModelRequestObject,
  ModelRequestList,
  EndpointMetrics: EndpointMetricsObject,
  PrometheusText,
  Health,
  OpenApiDocument,
  DocsPage,
  ConsolePage,
  ConsoleFile,
  Me,
  // Errors.
  OpenAIError,
  AdminError,
  AdminErrorIssue,
  TgiError: TgiErrorBody,
  AnthropicError: AnthropicErrorShape,
} satisfies Record<string, z.ZodType>;

export const components = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries(named)) components.add(schema, { id });

export const SCHEMA_PREFIX = '#/components/schemas/';

/** The component name of a schema, if it has one. */
export function componentName(schema: z.ZodType): string | undefined {
  return components.get(schema)?.id;
}

export type JsonSchema = Record<string, unknown>;

/** Every named schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), nested named ones as `$ref`s. */
export function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(components, { uri: (id) => SCHEMA_PREFIX + id, io: 'input' });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    out[id] = tidy(rest) as JsonSchema;
  }
  return out;
}

/** A schema not named in `components`, converted in place (request parameters). */
export function inlineSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  return tidy(rest) as JsonSchema;
}

/**
 * Drops what zod adds that says nothing to a reader: the ±2^53 bounds of every
 * `.int()`, and the long regex next to `format: date-time`.
 */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if ((key === 'maximum' && v === Number.MAX_SAFE_INTEGER) || (key === 'minimum' && v === Number.MIN_SAFE_INTEGER))
      continue;
    if (key === 'pattern' && (value as { format?: unknown }).format === 'date-time') continue;
    out[key] = tidy(v);
  }
  return out;
}
