import { ApiError } from '../api-error';

const SERVER = { type: 'server_error' } as const;

/**
 * An external provider's failures in the router's terms; `who` names the provider and
 * served entity (e.g. "OpenAI (served entity 'gpt')"). A rejected request keeps its
 * status; credentials and a missing model are the operator's to fix (502).
 */
export const providerErrors = {
  providerRejected: (status: number, who: string, message: string) =>
    new ApiError(status, `${who} rejected the request: ${message}`, { code: 'provider_rejected_request' }),
  /** 401 or 403: the router's key for the provider (`secret`) is wrong or lacks a permission. */
  providerCredentials: (status: number, who: string, secret: string) =>
    new ApiError(
      502,
      `${who} refused the router's credentials (HTTP ${status}); the operator must check secret '${secret}'`,
      { ...SERVER, code: status === 401 ? 'provider_authentication_failed' : 'provider_permission_denied' },
    ),
  providerNotFound: (who: string, message: string) =>
    new ApiError(
      502,
      `${who} answered 404: ${message}; the endpoint's external_model may name a model the provider does not have`,
      { ...SERVER, code: 'provider_not_found' },
    ),
  providerRateLimited: (who: string, message: string, headers: Record<string, string>) =>
    new ApiError(429, `${who} is rate limiting the router: ${message}`, {
      type: 'rate_limit_error',
      code: 'provider_rate_limited',
      headers,
    }),
  providerOverloaded: (who: string, message: string, headers: Record<string, string>) =>
    new ApiError(503, `${who} is overloaded: ${message}`, { ...SERVER, code: 'provider_overloaded', headers }),
  providerError: (status: number, who: string, message: string) =>
    new ApiError(502, `${who} answered HTTP ${status}: ${message}`, { ...SERVER, code: 'provider_error' }),
};
