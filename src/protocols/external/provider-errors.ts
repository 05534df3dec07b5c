import { ApiError } from '../../http/api-error';
import { originErrorMessage } from '../openai/error-body';
import type { OriginFailureMapper } from '../exchange';
import type { ProviderApi } from '../../external/provider';

/**
 * A provider's error answer in the client's terms (README: "Provider errors"):
 * - 400/413/422 are about the client's request: same status and the provider's message;
 * - 401/403 say the router's credentials are wrong, 404 that the configured model
 *   does not exist there: the endpoint is misconfigured, not the client's key (502);
 * - 429 stays 429 and 529 (Anthropic overloaded) becomes 503, both with the
 *   provider's Retry-After (or 1 s);
 * - anything else is a 502.
 * The provider's message never carries the secret: it is cut out if echoed, and
 * 401/403 messages (which may quote part of the key) are not passed on at all.
 */
export function providerFailure(api: ProviderApi, entityName: string, key: string): OriginFailureMapper {
  const who = `${api.provider === 'openai' ? 'OpenAI' : 'Anthropic'} (served entity '${entityName}')`;
  return (status, body, headers) => {
    const message = originErrorMessage(body).split(key).join('[secret]');
    if (status === 400 || status === 413 || status === 422) {
      return new ApiError(status, `${who} rejected the request: ${message}`, { code: 'provider_rejected_request' });
    }
    if (status === 401 || status === 403) {
      return new ApiError(
        502,
        `${who} refused the router's credentials (HTTP ${status}); the operator must check secret '${api.secret}'`,
        {
          type: 'server_error',
          code: status === 401 ? 'provider_authentication_failed' : 'provider_permission_denied',
        },
      );
    }
    if (status === 404) {
      return new ApiError(
        502,
        `${who} answered 404: ${message}; the endpoint's external_model may name a model the provider does not have`,
        {
          type: 'server_error',
          code: 'provider_not_found',
        },
      );
    }
    const retryAfter = { 'retry-after': retryAfterOf(headers) };
    if (status === 429)
      return new ApiError(429, `${who} is rate limiting the router: ${message}`, {
        type: 'rate_limit_error',
        code: 'provider_rate_limited',
        headers: retryAfter,
      });
    if (status === 529 || status === 503) {
      return new ApiError(503, `${who} is overloaded: ${message}`, {
        type: 'server_error',
        code: 'provider_overloaded',
        headers: retryAfter,
      });
    }
    return new ApiError(502, `${who} answered HTTP ${status}: ${message}`, {
      type: 'server_error',
      code: 'provider_error',
    });
  };
}

/** Whole seconds to wait: the provider's `retry-after` (seconds), else its `retry-after-ms`, else 1. */
function retryAfterOf(headers: Headers): string {
  const seconds = Number(headers.get('retry-after'));
  if (Number.isFinite(seconds) && seconds > 0) return String(Math.ceil(seconds));
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return String(Math.ceil(ms / 1000));
  return '1';
}
