import { ApiError } from '../api-error';

const SERVER = { type: 'server_error' } as const;

/**
 * Failures on the way to an endpoint's origins and back: the endpoint not serving
 * (503), no origin reachable or healthy, an origin's failure (502) or refusal, the
 * one 504, the client leaving (499). Messages name the endpoint or served entity,
 * never an origin's URL or model id.
 */
export const originErrors = {
  stopped: (name: string) =>
    new ApiError(503, `Endpoint '${name}' is stopped; an operator must start it before it serves requests`, {
      code: 'endpoint_stopped',
      headers: { 'retry-after': '30' },
    }),
  /** An endpoint that cannot serve yet (an external model's secret is missing…); `problem` says why. */
  notReady: (endpoint: string, problem: string) =>
    new ApiError(503, `Endpoint '${endpoint}' is not ready: ${problem}`, {
      ...SERVER,
      code: 'endpoint_not_ready',
      headers: { 'retry-after': '30' },
    }),
  noHealthyOrigin: (entity: string, endpoint: string, retryAfterSeconds: number) =>
    new ApiError(
      503,
      `No healthy origin for served entity '${entity}' of endpoint '${endpoint}': every origin failed its last health probe (GET /health); the router tries again in ${retryAfterSeconds} s`,
      { ...SERVER, code: 'no_healthy_origin', headers: { 'retry-after': String(retryAfterSeconds) } },
    ),
  /** The origin (of a served entity) did not answer in time: the one 504 the router gives. */
  originTimeout: (entity: string, ms: number) =>
    new ApiError(504, `The origin of served entity '${entity}' did not answer within ${ms} ms`, {
      ...SERVER,
      code: 'origin_timeout',
    }),
  clientClosed: () => new ApiError(499, 'Client closed the request', { code: 'client_closed' }),
  /** Every origin answered 429 (after failover): the last one's message. */
  originOverloaded: (message: string) =>
    new ApiError(429, `The origin is overloaded: ${message}`, {
      type: 'rate_limit_error',
      code: 'origin_overloaded',
      headers: { 'retry-after': '1' },
    }),
  /** The last origin tried answered a 5xx (after failover). */
  originStatus: (status: number, message: string) =>
    new ApiError(502, `The origin answered HTTP ${status}: ${message}`, { ...SERVER, code: 'origin_error' }),
  originBrokeEarly: (entity: string, message: string) =>
    new ApiError(502, `The origin of served entity '${entity}' failed before its first event (${message})`, {
      ...SERVER,
      code: 'origin_error',
    }),
  /** No origin could be reached; `lastMessage` is the last attempt's failure, if there was one. */
  originUnreachable: (entity: string, lastMessage: string | undefined) =>
    new ApiError(
      502,
      `No origin of served entity '${entity}' could be reached${lastMessage !== undefined ? ` (${lastMessage})` : ''}`,
      { ...SERVER, code: 'origin_unreachable' },
    ),
  /** Anything else that broke on the way (the reason is an error's message, never a body). */
  originFailed: (entity: string, reason: string) =>
    new ApiError(502, `The origin of served entity '${entity}' failed: ${reason}`, { ...SERVER, code: 'origin_error' }),
  /** The origin has no such model or route (its 404/405): the client's choice of endpoint. */
  operationNotServed: (endpoint: string, operation: string) =>
    new ApiError(
      400,
      `Endpoint '${endpoint}' does not serve ${operation} requests (its origin has no such model or route)`,
      { param: 'model', code: 'unsupported_operation' },
    ),
  /** The origin refused the router itself (401/403/407): its configuration needs an operator. */
  originRefusedRouter: (endpoint: string, status: number) =>
    new ApiError(
      502,
      `The origin of endpoint '${endpoint}' refused the router (HTTP ${status}); its origin configuration needs fixing`,
      { ...SERVER, code: 'origin_error' },
    ),
  /** A 4xx about the request itself (bad parameters, too long): the origin's status and (scrubbed) message. */
  originRejected: (status: number, message: string) =>
    new ApiError(status, message, { code: 'origin_rejected_request' }),
  originAnswered: (endpoint: string, status: number, message: string) =>
    new ApiError(502, `The origin of endpoint '${endpoint}' answered HTTP ${status}: ${message}`, {
      ...SERVER,
      code: 'origin_error',
    }),
  originBadEmbeddings: () =>
    new ApiError(502, 'The origin answered embeddings that are not arrays of floats', {
      ...SERVER,
      code: 'origin_error',
    }),
  /** TGI's 424: generation ended with an error finish reason. */
  generationFailed: (finishReason: string) =>
    new ApiError(424, `Request failed during generation: the origin ended with finish_reason '${finishReason}'`, {
      type: 'generation',
      code: 'generation',
    }),
};
