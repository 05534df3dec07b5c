import { EntityUpdate, Rollback, Share } from '../../api/admin/admin-schemas';
import { EndpointCreate, EndpointPatch } from '../../endpoints/schema';
import { adminErrors } from '../error-responses';
import { PageQuery } from '../../http/pagination';
import {
  EndpointCreated,
  EndpointDeleted,
  EndpointInfo,
  EndpointList,
  EndpointRead,
  EndpointVersionList,
} from '../shapes/endpoints';
import type { ResponseSpec, RouteSpec } from '../route-spec';

/** Admin API for endpoints (src/api/admin/endpoints.ts), under `/admin/v1/endpoints`. */
const base = '/admin/v1/endpoints';
const common = { tag: 'Admin: endpoints', auth: 'adminToken' } as const;

const notFound = { 404: 'Unknown endpoint (or not visible to the caller)' };

/** A write that makes a new config version: it serves once its origins pass a health probe. */
const rolledOut: Record<number, ResponseSpec> = {
  200: { description: 'The new version serves', json: EndpointInfo },
  202: {
    description: 'The new version is rolling out (`config_update: in_progress`, `pending_version`)',
    json: EndpointInfo,
  },
};

export const adminEndpointRoutes: RouteSpec[] = [
  {
    ...common,
    method: 'post',
    path: base,
    operationId: 'createEndpoint',
    summary: 'Create an endpoint, with its First Key',
    description:
      'Config version 1. Traffic defaults to an even split and must add up to 100. `tenant` only for org admins. ' +
      'Names are unique across the organisation; the tenant’s quotas of endpoints, served entities and origins apply.',
    body: { schema: EndpointCreate },
    responses: {
      201: { description: 'The endpoint, and its First Key (plaintext shown only here)', json: EndpointCreated },
      ...adminErrors([400, 401, 403, 409, 413], {
        403: 'A role that may not create endpoints (there), or a tenant quota reached (`quota_exceeded`)',
        409: 'The name is taken (the answer does not say by whom)',
      }),
    },
  },
  {
    ...common,
    method: 'get',
    path: base,
    operationId: 'listEndpoints',
    summary: 'List the endpoints the caller may see, a page at a time',
    description:
      'Name order. Its own tenant’s endpoints in full; those shared with it in the shared view. `limit` ≤ 200 (default 50).',
    query: PageQuery,
    responses: {
      200: { description: 'A page of endpoints', json: EndpointList },
      ...adminErrors([400, 401, 403], { 400: 'Invalid `limit` or `cursor`' }),
    },
  },
  {
    ...common,
    method: 'get',
    path: `${base}/{name}`,
    operationId: 'getEndpoint',
    summary: 'Endpoint info, with each origin’s last known health',
    description: 'Credentials in origin URLs are redacted. A tenant the endpoint is shared with gets the shared view.',
    responses: { 200: { description: 'The endpoint', json: EndpointRead }, ...adminErrors([401, 403, 404], notFound) },
  },
  {
    ...common,
    method: 'patch',
    path: `${base}/{name}`,
    operationId: 'updateEndpoint',
    summary: 'Update an endpoint (a new config version)',
    description: 'Any create field but `name` and `tenant`. Old versions are kept.',
    body: { schema: EndpointPatch },
    responses: {
      ...rolledOut,
      ...adminErrors([400, 401, 403, 404, 409, 413], {
        ...notFound,
        409: 'Changed concurrently; read it again and retry',
      }),
    },
  },
  {
    ...common,
    method: 'get',
    path: `${base}/{name}/versions`,
    operationId: 'listEndpointVersions',
    summary: 'The endpoint’s config versions, a page at a time',
    description:
      'Oldest first. For its own tenant and org admins (a tenant it is shared with gets 404); credentials in origin URLs redacted. `limit` ≤ 200 (default 50).',
    query: PageQuery,
    responses: {
      200: { description: 'A page of versions, the serving and pending ones marked', json: EndpointVersionList },
      ...adminErrors([400, 401, 403, 404], {
        400: 'Invalid `limit` or `cursor`',
        404: 'Unknown endpoint, not visible, or only shared with the caller',
      }),
    },
  },
  {
    ...common,
    method: 'post',
    path: `${base}/{name}/rollback`,
    operationId: 'rollbackEndpoint',
    summary: 'Roll back to an earlier config version',
    description: 'The old version’s config becomes a new version, rolled out like any update.',
    body: { schema: Rollback, description: 'The version to go back to' },
    responses: {
      ...rolledOut,
      ...adminErrors([400, 401, 403, 404, 409, 413], { 404: 'Unknown endpoint, or no such version' }),
    },
  },
  {
    ...common,
    method: 'patch',
    path: `${base}/{name}/served-entities/{entity}`,
    operationId: 'updateServedEntity',
    summary: 'Change one served entity’s model or model version',
    description: 'A new config version with only that change.',
    body: { schema: EntityUpdate, description: 'At least one field' },
    responses: {
      ...rolledOut,
      ...adminErrors([400, 401, 403, 404, 409, 413], { 404: 'Unknown endpoint or served entity' }),
    },
  },
  ...(['stop', 'start'] as const).map((action): RouteSpec => ({
    ...common,
    method: 'post',
    path: `${base}/{name}/${action}`,
    operationId: `${action}Endpoint`,
    summary: action === 'stop' ? 'Stop an endpoint (it answers 503)' : 'Start a stopped endpoint',
    responses: { 200: { description: 'The endpoint', json: EndpointInfo }, ...adminErrors([401, 403, 404], notFound) },
  })),
  {
    ...common,
    method: 'delete',
    path: `${base}/{name}`,
    operationId: 'deleteEndpoint',
    summary: 'Delete an endpoint',
    description: 'Its config history, shares and rate-limit counters go with it; its First Key is revoked.',
    responses: { 200: { description: 'Deleted', json: EndpointDeleted }, ...adminErrors([401, 403, 404], notFound) },
  },
  {
    ...common,
    method: 'post',
    path: `${base}/{name}/shares`,
    operationId: 'shareEndpoint',
    summary: 'Share an endpoint with another tenant',
    description:
      'That tenant’s keys may call it, and its principals see its shared view. The answer is the same whether or not a ' +
      'tenant of that name exists; a share naming no tenant does nothing, and a tenant created later does not inherit it.',
    body: { schema: Share, description: 'The tenant to share with' },
    responses: {
      200: { description: 'The endpoint', json: EndpointInfo },
      ...adminErrors([400, 401, 403, 404, 413], notFound),
    },
  },
  {
    ...common,
    method: 'delete',
    path: `${base}/{name}/shares/{tenant}`,
    operationId: 'unshareEndpoint',
    summary: 'Stop sharing an endpoint with a tenant',
    responses: { 200: { description: 'The endpoint', json: EndpointInfo }, ...adminErrors([401, 403, 404], notFound) },
  },
];
