/** An error the router answers with; rendered in the route's protocol by the error handler. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    opts: { type?: string; param?: string | null; code?: string | null; headers?: Record<string, string> } = {},
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
    new ApiError(403, `Tenant '${tenantId}' has reached its quota of ${max} ${what}; delete some or ask an org admin to raise the quota`, {
      code: 'quota_exceeded',
    }),
  tooLarge: (limit: number) =>
    new ApiError(413, `Request body exceeds the limit of ${limit} bytes`, { code: 'request_too_large' }),
};
