import type { z } from 'zod';
import { componentName, componentSchemas, inlineSchema, SCHEMA_PREFIX, type JsonSchema } from './components';
import type { MediaType, OpenApiDocument, Operation, Parameter, ResponseObject } from './document-types';
import { PATH_PARAMS } from './path-params';
import type { HeaderName, ResponseSpec, RouteSpec, TagName } from './route-spec';
import { ROUTES } from './routes';
import { API_VERSION } from './version';

const DESCRIPTION = [
  'One OpenAI-compatible HTTPS API in front of your own inference servers (vLLM, TGI, SGLang, llama.cpp).',
  'Inference routes take an endpoint API key, `Authorization: Bearer <key>`; the request’s `model` (or the path’s `{name}`) is the endpoint name.',
  'The admin API takes the `ADMIN_TOKEN` or a platform key. Every response carries `X-Request-Id` (the client’s own, when it sends a sane one).',
  'Errors are JSON: `{ "error": { "message", "type", "param", "code" } }`, except on the TGI routes: `{ "error", "error_type" }`.',
].join(' ');

const TAGS: Record<TagName, string> = {
  'OpenAI inference':
    'OpenAI-compatible inference: the official openai SDKs work against it. Also under `/endpoints/{name}/v1/…`.',
  'Anthropic inference':
    'Anthropic’s Messages API: the official @anthropic-ai/sdk works against it (key in `x-api-key` or `Authorization: Bearer`). Errors in Anthropic’s `{ type: "error", error: { type, message } }` shape.',
  'TGI inference':
    'Hugging Face TGI’s generate API, whatever protocol the endpoint’s origin speaks. Errors in TGI’s `{ error, error_type }` shape.',
  'TEI inference':
    'Hugging Face Text Embeddings Inference’s embed API (what `@huggingface/inference`’s featureExtraction posts), on endpoints that serve an embedding model. Errors in TEI’s `{ error, error_type }` shape.',
  'Admin: endpoints':
    'Endpoints: served entities, origins, traffic split, defaults, timeouts; versioned configs, rolled out once healthy.',
  'Admin: keys': 'API keys: endpoint keys for inference, platform keys (with a role) for this admin API.',
  'Admin: tenants': 'Tenants own endpoints and keys.',
  'Admin: audit': 'Who changed what, when.',
  'Admin: model requests':
    'Requests for a model to be deployed: submitted by anyone with a platform key, triaged by org and tenant admins.',
  Console: 'The web console: one page and its script and stylesheet, served with a strict Content-Security-Policy.',
  Monitoring: 'Per-endpoint metrics: series for dashboards, and `/metrics` for Prometheus.',
  Service: 'Unauthenticated service routes.',
};

const SECURITY_SCHEMES = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'An endpoint API key (`sk-rt-…`, `kind: endpoint`)' },
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The `ADMIN_TOKEN` secret (org admin), or a platform key (`kind: platform`) acting with its role in its tenant',
  },
};

const HEADERS: Record<HeaderName, { description: string; schema: JsonSchema }> = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
  'X-Served-Entity': { description: 'The served entity that answered', schema: { type: 'string' } },
  'Server-Timing': {
    description:
      '`gate;dur=…` (admission), `origin;dur=…` (the origin’s first byte) and, with guardrails, `guard-input;dur=…` / `guard-output;dur=…` (guard checks), in ms',
    schema: { type: 'string' },
  },
  'X-Guardrails-Flagged': {
    description: 'Guardrails with `action: flag` found these categories: `input=S1,S10; output=S2`',
    schema: { type: 'string' },
  },
  'X-Guardrails-Unchecked': {
    description: 'A guard failed and `on_error: fail_open` served the request unchecked: `input`, `output`',
    schema: { type: 'string' },
  },
};

let cached: OpenApiDocument | undefined;

/** The API description, built on first use and kept for the isolate's life. */
export function openApiDocument(): OpenApiDocument {
  return (cached ??= buildOpenApiDocument());
}

/** The OpenAPI 3.1 document for `routes`. Throws on what would make it invalid (a route twice, an undeclared path parameter, an unnamed body schema). */
export function buildOpenApiDocument(routes: readonly RouteSpec[] = ROUTES): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is listed twice`);
    if (operationIds.has(route.operationId)) throw new Error(`operationId ${route.operationId} is used twice`);
    operationIds.add(route.operationId);
    item[route.method] = operation(route);
  }
  const used = new Set(routes.map((r) => r.tag));
  return {
    openapi: '3.1.0',
    info: { title: 'edge-llm-router', version: API_VERSION, description: DESCRIPTION },
    servers: [{ url: '/' }],
    tags: Object.entries(TAGS)
      .filter(([name]) => used.has(name as TagName))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: { schemas: componentSchemas(), securitySchemes: SECURITY_SCHEMES },
  };
}

function operation(route: RouteSpec): Operation {
  const parameters = [...pathParameters(route), ...queryParameters(route), ...headerParameters(route)];
  const op: Operation = {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.auth === 'none' ? [] : [{ [route.auth]: [] }],
    ...(parameters.length ? { parameters } : {}),
    responses: Object.fromEntries(Object.entries(route.responses).map(([status, spec]) => [status, response(spec)])),
  };
  if (route.body) {
    const schema = route.body.schema ? named(route.body.schema, route) : { type: 'object' };
    op.requestBody = {
      required: true,
      ...(route.body.description ? { description: route.body.description } : {}),
      content: { 'application/json': { schema } },
    };
  }
  return op;
}

function pathParameters(route: RouteSpec): Parameter[] {
  return [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
    const spec = route.params?.[name!] ?? PATH_PARAMS[name!];
    if (!spec)
      throw new Error(`${route.path}: path parameter {${name}} is not described (RouteSpec.params or path-params.ts)`);
    return { name: name!, in: 'path', required: true, description: spec.description, schema: schemaOf(spec.schema) };
  });
}

function queryParameters(route: RouteSpec): Parameter[] {
  if (!route.query) return [];
  const { properties = {}, required = [] } = inlineSchema(route.query) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema,
  }));
}

function headerParameters(route: RouteSpec): Parameter[] {
  return Object.entries(route.headers ?? {}).map(([name, spec]) => ({
    name,
    in: 'header',
    required: false,
    description: spec.description,
    schema: schemaOf(spec.schema),
  }));
}

function response(spec: ResponseSpec): ResponseObject {
  const content: Record<string, MediaType> = {};
  if (spec.json) content['application/json'] = { schema: named(spec.json) };
  if (spec.events) {
    content['text/event-stream'] = {
      schema: { type: 'string', description: spec.events.description },
      'x-event-data': named(spec.events.data),
    };
  }
  if (spec.html) content['text/html'] = { schema: named(spec.html) };
  for (const type of spec.files?.mediaTypes ?? []) content[type] = { schema: named(spec.files!.schema) };
  return {
    description: spec.description,
    ...(spec.headers?.length ? { headers: Object.fromEntries(spec.headers.map((h) => [h, HEADERS[h]])) } : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

/** A `$ref` to a named schema: bodies must be named (./components.ts), so they show up under one name everywhere. */
function named(schema: z.ZodType, route?: RouteSpec): JsonSchema {
  const name = componentName(schema);
  if (!name)
    throw new Error(
      `${route ? `${route.method.toUpperCase()} ${route.path}: ` : ''}a body schema is not named in src/openapi/components.ts`,
    );
  return { $ref: SCHEMA_PREFIX + name };
}

function schemaOf(schema: z.ZodType): JsonSchema {
  const name = componentName(schema);
  return name ? { $ref: SCHEMA_PREFIX + name } : inlineSchema(schema);
}
