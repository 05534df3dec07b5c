import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call: an endpoint API key, the admin token (or a platform key), or anyone. */
export type Auth = 'apiKey' | 'adminToken' | 'none';

export type TagName =
  | 'OpenAI inference'
  | 'Anthropic inference'
  | 'TGI inference'
  | 'TEI inference'
  | 'Admin: endpoints'
  | 'Admin: keys'
  | 'Admin: tenants'
  | 'Admin: audit'
  | 'Admin: model requests'
  | 'Monitoring'
  | 'Console'
  | 'Service';

export interface ParamSpec {
  description: string;
  schema: z.ZodType;
}

/** A response header, by name. */
export type HeaderName =
  'Retry-After' | 'X-Served-Entity' | 'Server-Timing' | 'X-Guardrails-Flagged' | 'X-Guardrails-Unchecked';

export interface ResponseSpec {
  description: string;
  /** `application/json` body. */
  json?: z.ZodType;
  /** `text/event-stream`: the schema of each event's `data:` JSON, and how the stream goes. */
  events?: { data: z.ZodType; description: string };
  /** `text/html` body. */
  html?: z.ZodType;
  /** Any other body (the console's script and stylesheet): its media types, one named schema for all. */
  files?: { mediaTypes: string[]; schema: z.ZodType };
  headers?: HeaderName[];
}

/**
 * One route of the router, as the API description shows it. The list of these
 * (./routes) is the one place to change when a route is added: the worker test
 * compares it with the Hono app's routes.
 */
export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI form: `/endpoints/{name}/v1/models`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: TagName;
  auth: Auth;
  /** Path parameters not in the shared dictionary (./path-params.ts), or overriding it. */
  params?: Record<string, ParamSpec>;
  /** Query parameters: the properties of the zod object the route validates its query with. */
  query?: z.ZodObject;
  /** Request headers the route reads. */
  headers?: Record<string, ParamSpec>;
  /**
   * JSON request body: `schema` must be named in ./components.ts. A route whose
   * schema is not exported yet gives only a `description` of the body.
   */
  body?: { schema?: z.ZodType; description?: string };
  responses: Record<number, ResponseSpec>;
}
