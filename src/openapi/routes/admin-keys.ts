import { z } from 'zod';
import { KeyCreate, KeyPatch } from '../../api/admin/key-schemas';
import { PageQuery } from '../../http/pagination';
import { adminErrors } from '../error-responses';
import { KeyCreated, KeyInfo, KeyList, KeyObject, KeyUsage } from '../shapes/keys';
import type { RouteSpec } from '../route-spec';

/** Admin API for API keys (src/api/admin/keys.ts), under `/admin/v1/keys`. */
const base = '/admin/v1/keys';
const common = {
  tag: 'Admin: keys',
  auth: 'adminToken',
  params: { id: { description: 'API key id (`key_…`)', schema: z.string() } },
} as const;

const notFound = { 404: 'Unknown key (or not visible to the caller)' };

export const adminKeyRoutes: RouteSpec[] = [
  {
    ...common,
    method: 'post',
    path: base,
    operationId: 'createKey',
    summary: 'Create an API key (the plaintext is shown only in this answer)',
    description:
      '`kind: endpoint` (default) keys call the inference API; `kind: platform` keys call the admin API with `role`. ' +
      '`token_budget` caps the tokens (prompt + completion) an endpoint key uses per period across every endpoint it calls.',
    body: { schema: KeyCreate },
    responses: {
      201: { description: 'The key, with its plaintext `key`', json: KeyCreated },
      ...adminErrors([400, 401, 403, 413], {
        403: 'A role that may not do this, a `concurrency_limit` above the role’s maximum, or the tenant’s key quota reached (`quota_exceeded`)',
      }),
    },
  },
  {
    ...common,
    method: 'get',
    path: base,
    operationId: 'listKeys',
    summary: 'List the keys the caller may see, a page at a time',
    description:
      'Oldest first. Tenant principals never see org-wide (`org_admin`) keys, nor platform keys above their own role. `limit` ≤ 200 (default 50).',
    query: PageQuery,
    responses: {
      200: { description: 'A page of keys', json: KeyList },
      ...adminErrors([400, 401, 403], { 400: 'Invalid `limit` or `cursor`' }),
    },
  },
  {
    ...common,
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getKey',
    summary: 'Key info, with its requests in flight and its token budget’s current window',
    responses: { 200: { description: 'The key', json: KeyInfo }, ...adminErrors([401, 403, 404], notFound) },
  },
  {
    ...common,
    method: 'get',
    path: `${base}/{id}/usage`,
    operationId: 'getKeyUsage',
    summary: 'Requests, outcomes and tokens per endpoint and hour, and the token budget’s current window',
    description:
      'A page of usage rows, newest hour first, then by endpoint; `limit` ≤ 200 (default 50). Usage rows are written by the key’s gate within 10 s of a request’s end (see the README, Token budgets); the token window is exact at once.',
    query: PageQuery,
    responses: {
      200: { description: 'A page of usage rows, newest hour first', json: KeyUsage },
      ...adminErrors([400, 401, 403, 404], { ...notFound, 400: 'Invalid `limit` or `cursor`' }),
    },
  },
  {
    ...common,
    method: 'patch',
    path: `${base}/{id}`,
    operationId: 'updateKey',
    summary: 'Edit a key’s description or token budget',
    description:
      '`token_budget: null` removes the budget. A new budget counts from the next request (isolates cache keys for up to 30 s).',
    body: { schema: KeyPatch },
    responses: {
      200: { description: 'The key', json: KeyObject },
      ...adminErrors([400, 401, 403, 404, 413], { ...notFound, 403: 'A First Key, or a role that may not do this' }),
    },
  },
  {
    ...common,
    method: 'post',
    path: `${base}/{id}/revoke`,
    operationId: 'revokeKey',
    summary: 'Revoke a key (irreversible, refused from its next request)',
    description:
      'Refused from the next request in every isolate; its running requests end at once (streams with an `api_key_revoked` error event, waiting requests with 401).',
    responses: {
      200: { description: 'The revoked key', json: KeyObject },
      ...adminErrors([401, 403, 404], { ...notFound, 403: 'A First Key, or a role that may not do this' }),
    },
  },
];
