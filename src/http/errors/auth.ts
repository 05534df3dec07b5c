import { ApiError } from '../api-error';

/** Which API a credential is presented to (auth/bearer.ts names the same two). */
type Audience = 'inference' | 'admin';

const BEARER = "as 'Authorization: Bearer <key>'";

/** Refusals of the credential a request carries (401) or of the API it is presented to (403). */
export const authErrors = {
  invalidKey: () => new ApiError(401, 'Invalid API key', { code: 'invalid_api_key' }),
  expiredKey: () => new ApiError(401, 'API key has expired', { code: 'expired_api_key' }),
  invalidAdminToken: () => new ApiError(401, 'Invalid admin token', { code: 'invalid_admin_token' }),
  /** No Authorization header; `wanted` says what to send (e.g. "an endpoint API key"). */
  missingCredential: (audience: Audience, wanted: string) =>
    new ApiError(
      401,
      `${audience === 'inference' ? 'Missing API key' : 'Missing admin token'}: send ${wanted} ${BEARER}`,
      { code: audience === 'inference' ? 'missing_api_key' : 'missing_admin_token' },
    ),
  /** An Authorization header of another scheme (`scheme`), or a bare key (no scheme). */
  notBearer: (scheme: string | undefined, wanted: string) =>
    new ApiError(
      401,
      `The Authorization header must use the Bearer scheme${scheme ? `, not '${scheme}'` : ''}: send ${wanted} ${BEARER}`,
      { code: 'invalid_authorization_header' },
    ),
  /** `Bearer` followed by more than one word: the header sent twice (its values joined by ', '), or a key and more. */
  bearerNotOneKey: (sentTwice: boolean, wanted: string) =>
    new ApiError(
      401,
      `The Authorization header ${sentTwice ? 'holds more than one value (was it sent twice?)' : "has more than the key after 'Bearer' (a key has no spaces)"}: send ${wanted} ${BEARER}`,
      { code: 'invalid_authorization_header' },
    ),
  /** An `x-api-key` header that is not one key: `Bearer <key>`, or the header sent twice (its values joined by ', '). */
  apiKeyHeaderNotOneKey: (bearer: boolean) =>
    new ApiError(
      401,
      bearer
        ? "The x-api-key header holds 'Bearer' and a key: send the key alone as 'x-api-key: <key>', or as 'Authorization: Bearer <key>'"
        : "The x-api-key header holds more than one value (was it sent twice?): send one key as 'x-api-key: <key>'",
      { code: 'invalid_api_key_header' },
    ),
  bearerWithoutKey: (wanted: string) =>
    new ApiError(401, `The Authorization header has no key after 'Bearer': send ${wanted} ${BEARER}`, {
      code: 'invalid_authorization_header',
    }),
  notScoped: (endpoint: string) =>
    new ApiError(403, `This API key is not allowed to use endpoint '${endpoint}'`, { code: 'endpoint_not_allowed' }),
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
};
