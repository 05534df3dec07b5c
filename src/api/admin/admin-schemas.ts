import { z } from 'zod';
import { ResourceName } from '../../endpoints/schema';
import { queryInteger } from '../../http/query-integer';

/** `POST /admin/v1/endpoints/{name}/rollback`: the version to go back to. */
export const Rollback = z.strictObject({ version: z.number().int().min(1) });

/** `PATCH /admin/v1/endpoints/{name}/served-entities/{entity}`: change in place (at least one field). */
export const EntityUpdate = z.strictObject({
  model: z.string().min(1).max(256).optional(),
  model_version: z.string().min(1).max(128).optional(),
});

/** `POST /admin/v1/endpoints/{name}/shares`: the tenant to share with. */
export const Share = z.strictObject({ tenant: ResourceName });

/** `POST /admin/v1/tenants`: the tenant's id, URL-safe like endpoint names. */
export const TenantCreate = z.strictObject({ name: ResourceName });

/** `GET /admin/v1/audit` query. */
export const AuditQuery = z.strictObject({
  limit: queryInteger(1, 500).optional(),
  before: queryInteger(1).optional(),
  target: z.string().min(1).optional(),
});
