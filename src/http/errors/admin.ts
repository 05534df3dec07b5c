import { ApiError } from '../api-error';
import { clip } from '../clip';

/**
 * Refusals of the admin API: what a principal may not see (404, in the same words as
 * what truly does not exist) or change (403), quotas, name conflicts (409), and
 * configs that do not fit together (400).
 */
export const adminErrors = {
  /**
   * What a principal may not see does not exist for it (404), in the same words as what truly does not. The id, from
   * the path, is quoted cut to its first 100 characters (clip), as the inference API quotes an unknown model.
   */
  notFound: (kind: 'Endpoint' | 'API key' | 'Tenant', id: string) =>
    new ApiError(404, `${kind} '${clip(id)}' does not exist`, {
      code: kind === 'Endpoint' ? 'endpoint_not_found' : kind === 'API key' ? 'key_not_found' : 'tenant_not_found',
    }),
  /** A tenant named in a body (`param`) that does not exist or that the caller may not see. */
  unknownTenant: (id: string, param: string) =>
    new ApiError(400, `Tenant '${id}' does not exist`, { param, code: 'tenant_not_found' }),
  /** Endpoints named in a key's `endpoints` that do not exist (for the caller). */
  unknownEndpoints: (names: string[]) =>
    new ApiError(400, `Unknown endpoint(s): ${names.join(', ')}`, { param: 'endpoints', code: 'endpoint_not_found' }),
  versionNotFound: (endpoint: string, version: number) =>
    new ApiError(404, `Endpoint '${clip(endpoint)}' has no config version ${version}`, {
      param: 'version',
      code: 'version_not_found',
    }),
  servedEntityNotFound: (endpoint: string, entity: string) =>
    new ApiError(404, `Endpoint '${clip(endpoint)}' has no served entity '${clip(entity)}'`, {
      code: 'served_entity_not_found',
    }),
  modelRequestNotFound: (id: string) =>
    new ApiError(404, `Model request '${clip(id)}' does not exist`, { code: 'model_request_not_found' }),
  /** What a principal may see but not change (403). */
  forbidden: (message: string) => new ApiError(403, message, { code: 'forbidden' }),
  /** A key's `concurrency_limit` above what the caller's role may give (403, naming the field to lower). */
  concurrencyAboveRole: (role: string, max: number, asked: number) =>
    new ApiError(403, `Your role (${role}) may give a key at most ${max} concurrent requests (asked: ${asked})`, {
      param: 'concurrency_limit',
      code: 'forbidden',
    }),
  quotaExceeded: (tenantId: string, what: string, max: number) =>
    new ApiError(
      403,
      `Tenant '${tenantId}' has reached its quota of ${max} ${what}; delete some or ask an org admin to raise the quota`,
      { code: 'quota_exceeded' },
    ),
  /** A write lost a race with another one (409): read again and retry. */
  conflict: (message: string) => new ApiError(409, message, { code: 'conflict' }),
  tenantExists: (name: string) =>
    new ApiError(409, `Tenant '${name}' already exists`, { param: 'name', code: 'tenant_exists' }),
  endpointNameTaken: (name: string) =>
    new ApiError(
      409,
      `The endpoint name '${name}' is taken (names are unique across the organisation); choose another`,
      { param: 'name', code: 'endpoint_name_taken' },
    ),
  /** An open request for the same model exists: `location` is its URL. */
  modelRequestExists: (tenant: string, model: string, id: string, location: string) =>
    new ApiError(
      409,
      `Tenant '${tenant}' already has an open request for '${model}': ${id}. Follow that one instead of asking again.`,
      { param: 'model', code: 'model_request_exists', headers: { location } },
    ),
  invalidTransition: (id: string, from: string, to: string) =>
    new ApiError(409, `Model request '${id}' is ${from}; it cannot become ${to}`, {
      param: 'status',
      code: 'invalid_transition',
    }),
  /** An endpoint config that cannot be normalised (its served entities and traffic do not fit together). */
  invalidConfig: (message: string, param: string | null) =>
    new ApiError(400, message, { param, code: 'invalid_config' }),
  /** A redacted origin URL sent back that matches no stored origin (the mask is not a credential). */
  maskedOriginUnmatched: (url: string) => {
    const message = `Origin URL '${url}' carries the redaction mask '***' but matches no stored origin; give the full URL`;
    return new ApiError(400, message, {
      param: 'served_entities',
      code: 'invalid_body',
      issues: [{ param: 'served_entities', message }],
    });
  },
  externalModelEntity: (entity: string, endpoint: string) =>
    new ApiError(
      400,
      `Served entity '${entity}' is an external model: change its external_model with PATCH /admin/v1/endpoints/${endpoint} (served_entities)`,
      { code: 'external_model_entity' },
    ),
  /** An update that would add (`adding`) or remove an external model: each needs a new endpoint. */
  externalModelChange: (adding: boolean) =>
    new ApiError(
      400,
      adding
        ? 'An update cannot add external_model to an endpoint that serves self-hosted origins: create a new endpoint for the external model'
        : 'An update cannot remove external_model from an endpoint: create a new endpoint for self-hosted origins',
      { param: 'served_entities', code: 'external_model_change' },
    ),
  secretNotGranted: (secret: string, tenantId: string, param: string) =>
    new ApiError(
      400,
      `Secret '${secret}' may not be used by external models of tenant '${tenantId}': the operator grants secrets in the EXTERNAL_SECRETS var`,
      { param, code: 'secret_not_granted' },
    ),
  ownTenant: () =>
    new ApiError(400, 'An endpoint is always available to its own tenant', { param: 'tenant', code: 'own_tenant' }),
};
