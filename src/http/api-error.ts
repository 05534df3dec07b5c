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
  | 'invalid_api_key_header'
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

/** One problem of a request, worded as a whole error message: `{ param: "name", message: "Invalid 'name': …" }`. */
export interface ApiIssue {
  param: string | null;
  message: string;
}

/**
 * An error the router answers with; rendered in its route group's protocol (src/api/route-group.ts).
 * Built only by the catalogue's named constructors (src/http/errors/).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: ErrorCode | null;
  readonly headers: Record<string, string>;
  /**
   * Every problem a validation found, the first being `message` and `param` (null: not a validation).
   * Only the admin API renders them (`error.issues`); inference protocols keep their exact shapes.
   */
  readonly issues: readonly ApiIssue[] | null;

  constructor(
    status: number,
    message: string,
    opts: {
      type?: string;
      param?: string | null;
      code?: ErrorCode | null;
      headers?: Record<string, string>;
      issues?: readonly ApiIssue[] | null;
    } = {},
  ) {
    super(message);
    this.status = status;
    this.type = opts.type ?? defaultType(status);
    this.param = opts.param ?? null;
    this.code = opts.code ?? null;
    this.headers = opts.headers ?? {};
    this.issues = opts.issues ?? null;
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
