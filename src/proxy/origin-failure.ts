import { ApiError } from '../http/api-error';
import { originErrorMessage } from '../protocols/openai/error-body';

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Maps an origin's 4xx answer (5xx and 429 are retried on another origin first,
 * see send-with-failover) to the router's. Errors about the client's own request
 * (400, 413, 422: bad parameters, context overflow) keep their status and
 * message; anything else (401/403/404: the endpoint is misconfigured) is a 502.
 */
export async function originFailure(response: Response): Promise<ApiError> {
  const text = (await response.text().catch(() => '')).slice(0, MAX_ERROR_BODY);
  const message = originErrorMessage(text);
  const status = response.status;
  if (status === 400 || status === 413 || status === 422) {
    return new ApiError(status, message, { code: 'origin_rejected_request' });
  }
  return new ApiError(502, `The origin answered HTTP ${status}: ${message}`, { type: 'server_error', code: 'origin_error' });
}
