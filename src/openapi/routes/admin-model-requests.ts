import { z } from 'zod';
import { ModelRequestCreate, ModelRequestQuery, ModelRequestUpdate } from '../../model-requests/schemas';
import { adminErrors } from '../error-responses';
import { ModelRequestList, ModelRequestObject } from '../shapes/model-requests';
import type { RouteSpec } from '../route-spec';

/** Model requests (src/api/admin/model-requests.ts), under `/admin/v1/model-requests`. */
const base = '/admin/v1/model-requests';
const common = {
  tag: 'Admin: model requests',
  auth: 'adminToken',
  params: { id: { description: 'Model request id (`mr_…`)', schema: z.string() } },
} as const;

export const adminModelRequestRoutes: RouteSpec[] = [
  {
    ...common,
    method: 'post',
    path: base,
    operationId: 'createModelRequest',
    summary: 'Ask for a model to be deployed',
    description:
      'Any platform key (or the admin token) may ask, for its own tenant. A tenant that already has an open request for the same model (case-insensitive) gets 409 naming that request’s id, with `Location` pointing at it.',
    body: { schema: ModelRequestCreate },
    responses: {
      201: { description: 'The request, `open`', json: ModelRequestObject },
      ...adminErrors([400, 401, 403, 409, 413], {
        403: 'Another tenant than the caller’s',
        409: 'An open request for this model exists in the tenant (`code: model_request_exists`; its id in the message and `Location`)',
      }),
    },
  },
  {
    ...common,
    method: 'get',
    path: base,
    operationId: 'listModelRequests',
    summary: 'List model requests, newest first',
    description:
      'Org admins see every tenant’s, tenant admins their tenant’s, owners and members their own. Paginated: `limit` (default 50, at most 200) and `cursor` (the previous page’s `next_cursor`); `status` filters.',
    query: ModelRequestQuery,
    responses: {
      200: { description: 'Model requests', json: ModelRequestList },
      ...adminErrors([400, 401, 403], { 400: 'Invalid query parameter' }),
    },
  },
  {
    ...common,
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getModelRequest',
    summary: 'Model request info, with its status and the deciding admin’s note',
    responses: {
      200: { description: 'The request', json: ModelRequestObject },
      ...adminErrors([401, 403, 404], { 404: 'Unknown, or not visible to the caller' }),
    },
  },
  {
    ...common,
    method: 'patch',
    path: `${base}/{id}`,
    operationId: 'updateModelRequest',
    summary: 'Triage: approve, decline or mark deployed, with a note (org and tenant admins)',
    description:
      'open → approved, declined or deployed; approved → deployed or declined; declined and deployed are final.',
    body: { schema: ModelRequestUpdate },
    responses: {
      200: { description: 'The updated request', json: ModelRequestObject },
      ...adminErrors([400, 401, 403, 404, 409, 413], {
        403: 'Neither an org nor a tenant admin',
        409: 'Not a transition its current status allows (`code: invalid_transition`)',
      }),
    },
  },
];
