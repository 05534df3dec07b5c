/**
 * Every `code` the router answers with: the catalogue, closed (a new refusal adds
 * its code here). Clients and tests match on these, never on messages.
 */
export type ErrorCode =
  | 'admin_token_on_inference_api'
  | 'api_key_revoked'
  | 'client_closed'
  | 'concurrency_limit_exceeded'
  | 'conflict'
  | 'console_unavailable'
  | 'content_policy_violation'
  | 'empty_update'
  | 'endpoint_key_on_admin_api'
  | 'endpoint_name_taken'
  | 'endpoint_not_allowed'
  | 'endpoint_not_found'
  | 'endpoint_not_ready'
  | 'endpoint_stopped'
  | 'expired_api_key'
  | 'external_model_change'
  | 'external_model_entity'
  | 'forbidden'
  | 'gate_unavailable'
  | 'generation'
  | 'guardrail_unavailable'
  | 'internal_error'
  | 'invalid_admin_token'
  | 'invalid_api_key'
  | 'invalid_authorization_header'
  | 'invalid_body'
  | 'invalid_config'
  | 'invalid_cursor'
  | 'invalid_guardrails'
  | 'invalid_json'
  | 'invalid_query'
  | 'invalid_transition'
  | 'key_not_found'
  | 'method_not_allowed'
  | 'missing_admin_token'
  | 'missing_api_key'
  | 'model_context_window_exceeded'
  | 'model_not_found'
  | 'model_request_exists'
  | 'model_request_not_found'
  | 'no_healthy_origin'
  | 'origin_error'
  | 'origin_overloaded'
  | 'origin_rejected_request'
  | 'origin_stream_failed'
  | 'origin_stream_truncated'
  | 'origin_timeout'
  | 'origin_unreachable'
  | 'own_tenant'
  | 'platform_key_on_inference_api'
  | 'provider_authentication_failed'
  | 'provider_error'
  | 'provider_not_found'
  | 'provider_overloaded'
  | 'provider_permission_denied'
  | 'provider_rate_limited'
  | 'provider_rejected_request'
  | 'quota_exceeded'
  | 'rate_limit_exceeded'
  | 'token_budget_exceeded'
  | 'request_too_large'
  | 'route_not_found'
  | 'secret_not_granted'
  | 'served_entity_not_found'
  | 'tenant_exists'
  | 'tenant_not_found'
  | 'unsupported_operation'
  | 'unsupported_parameter'
  | 'unsupported_task'
  | 'unsupported_tool'
  | 'validation'
  | 'version_not_found';

/** An error the router answers with; rendered in its route group's protocol (src/api/route-group.ts). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: ErrorCode | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    opts: { type?: string; param?: string | null; code?: ErrorCode | null; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.type = opts.type ?? defaultType(status);
    this.param = opts.param ?? null;
    this.code = opts.code ?? null;
    this.headers = opts.headers ?? {};
  }
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export const CONCURRENCY_MESSAGE = 'Concurrent request limit reached, please try again later';

export const errors = {
  invalidKey: () => new ApiError(401, 'Invalid API key', { code: 'invalid_api_key' }),
  notScoped: (endpoint: string) =>
    new ApiError(403, `This API key is not allowed to use endpoint '${endpoint}'`, { code: 'endpoint_not_allowed' }),
  unknownModel: (name: string) =>
    new ApiError(404, `The model '${name}' does not exist`, { param: 'model', code: 'model_not_found' }),
  concurrency: (retryAfterSeconds: number) =>
    new ApiError(429, CONCURRENCY_MESSAGE, {
      code: 'concurrency_limit_exceeded',
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  stopped: (name: string) =>
    new ApiError(503, `Endpoint '${name}' is stopped; an operator must start it before it serves requests`, {
      code: 'endpoint_stopped',
      headers: { 'retry-after': '30' },
    }),
  invalidBody: (message: string, param: string | null) => new ApiError(400, message, { param, code: 'invalid_body' }),
  quotaExceeded: (tenantId: string, what: string, max: number) =>
    new ApiError(
      403,
      `Tenant '${tenantId}' has reached its quota of ${max} ${what}; delete some or ask an org admin to raise the quota`,
      {
        code: 'quota_exceeded',
      },
    ),
  tooLarge: (limit: number) =>
    new ApiError(413, `Request body exceeds the limit of ${limit} bytes`, { code: 'request_too_large' }),
  /** The origin (of a served entity) did not answer in time: the one 504 the router gives. */
  originTimeout: (entity: string, ms: number) =>
    new ApiError(504, `The origin of served entity '${entity}' did not answer within ${ms} ms`, {
      type: 'server_error',
      code: 'origin_timeout',
    }),
  /** What a principal may not see does not exist for it (404), in the same words as what truly does not. */
  notFound: (kind: 'Endpoint' | 'API key' | 'Tenant', id: string) =>
    new ApiError(404, `${kind} '${id}' does not exist`, {
      code: kind === 'Endpoint' ? 'endpoint_not_found' : kind === 'API key' ? 'key_not_found' : 'tenant_not_found',
    }),
  /** What a principal may see but not change (403). */
  forbidden: (message: string) => new ApiError(403, message, { code: 'forbidden' }),
  /** An endpoint config that cannot be normalised (its served entities and traffic do not fit together). */
  invalidConfig: (message: string, param: string | null) =>
    new ApiError(400, message, { param, code: 'invalid_config' }),
  routeNotFound: (method: string, path: string) =>
    new ApiError(404, `No route for ${method} ${path}`, { code: 'route_not_found' }),
  methodNotAllowed: (method: string, path: string, usable: string, allowed: string[]) =>
    new ApiError(405, `Method ${method} is not allowed on ${path}; use ${usable}`, {
      code: 'method_not_allowed',
      headers: { allow: allowed.join(', ') },
    }),
  internal: () => new ApiError(500, 'Internal error in the router', { code: 'internal_error' }),
  invalidJson: (message: string) => new ApiError(400, message, { code: 'invalid_json' }),
  emptyUpdate: () => new ApiError(400, 'The update names no field to change', { code: 'empty_update' }),
  /** A write lost a race with another one (409): read again and retry. */
  conflict: (message: string) => new ApiError(409, message, { code: 'conflict' }),
  expiredKey: () => new ApiError(401, 'API key has expired', { code: 'expired_api_key' }),
  adminTokenOnInference: () =>
    new ApiError(403, 'The admin token is for the admin API (/admin/v1); call the inference API with an endpoint key', {
      code: 'admin_token_on_inference_api',
    }),
  platformKeyOnInference: () =>
    new ApiError(403, 'Platform keys are for the admin API; call the inference API with an endpoint key', {
      code: 'platform_key_on_inference_api',
    }),
  endpointKeyOnAdmin: () =>
    new ApiError(403, 'Endpoint keys can only call the inference API; the admin API needs a platform key', {
      code: 'endpoint_key_on_admin_api',
    }),
  invalidAdminToken: () => new ApiError(401, 'Invalid admin token', { code: 'invalid_admin_token' }),
};
