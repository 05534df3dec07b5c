import { errors } from '../../http/errors';
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
 * The provider's message never carries the secret: it is cut out of the whole body if
 * echoed (before the message is read or shortened), and
 * 401/403 messages (which may quote part of the key) are not passed on at all.
 */
export function providerFailure(
  api: ProviderApi,
  entityName: string,
  redact: (text: string) => string,
): OriginFailureMapper {
  const who = `${api.provider === 'openai' ? 'OpenAI' : 'Anthropic'} (served entity '${entityName}')`;
  return (status, body, headers) => {
    // The whole body first: originErrorMessage cuts a text body short, which could leave part of a key behind.
    const message = originErrorMessage(redact(body));
    if (status === 400 || status === 413 || status === 422) {
      return errors.providerRejected(status, who, message);
    }
    if (status === 401 || status === 403) {
      return errors.providerCredentials(status, who, api.secret);
    }
    if (status === 404) {
      return errors.providerNotFound(who, message);
    }
    const retryAfter = { 'retry-after': retryAfterOf(headers) };
    if (status === 429) return errors.providerRateLimited(who, message, retryAfter);
    if (status === 529 || status === 503) {
      return errors.providerOverloaded(who, message, retryAfter);
    }
    return errors.providerError(status, who, message);
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
