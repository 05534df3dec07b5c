import { isUniqueViolation } from '../../lib/constraint';
import { Hono, type Context } from 'hono';
import { auditStatement } from '../../audit/audit-log';
import type { Principal } from '../../auth/principal';
import type { AdminEnv } from './admin-auth';
import { adminBody } from './admin-body';
import { ApiError, errors } from '../../http/errors';
import { validateQuery } from '../../http/validate';
import { ModelRequestStore, type ModelRequest, type Scope } from '../../model-requests/store';
import {
  ModelRequestCreate,
  ModelRequestQuery,
  ModelRequestUpdate,
  type ModelRequestStatus,
} from '../../model-requests/schemas';
import { requireTenant } from './tenant-access';

/**
 * Model requests: any platform principal asks for a model for its tenant; org and
 * tenant admins triage (open → approved / declined / deployed, with a note). Owners
 * and members see only their own requests, tenant admins their tenant's, org admins
 * all: the scope is part of every query's WHERE clause.
 */
export const modelRequestAdmin = new Hono<AdminEnv>();

const BASE = '/admin/v1/model-requests';
const DEFAULT_LIMIT = 50;

/** Where a status may go next; declined and deployed are final. */
const NEXT: Record<ModelRequestStatus, ModelRequestStatus[]> = {
  open: ['approved', 'declined', 'deployed'],
  approved: ['deployed', 'declined'],
  declined: [],
  deployed: [],
};

const store = (c: Context<AdminEnv>) => new ModelRequestStore(c.env.DB);

function scopeOf(p: Principal): Scope {
  if (p.tenantId === null) return { tenantId: null, requestedBy: null };
  if (p.role === 'tenant_admin') return { tenantId: p.tenantId, requestedBy: null };
  return { tenantId: p.tenantId, requestedBy: p.id };
}

const triages = (p: Principal) => p.tenantId === null || p.role === 'tenant_admin';

function duplicate(existing: ModelRequest): ApiError {
  return errors.modelRequestExists(existing.tenant, existing.model, existing.id, `${BASE}/${existing.id}`);
}

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return (
    'mr_' +
    btoa(String.fromCharCode(...bytes))
      .replaceAll('+', '-')
      .replaceAll('/', '_')
      .replace(/=+$/, '')
  );
}

modelRequestAdmin.post('/admin/v1/model-requests', async (c) => {
  const p = c.get('principal');
  const input = await adminBody(c, ModelRequestCreate);
  const tenantId = input.tenant ?? p.tenantId ?? 'default';
  if (p.tenantId !== null && tenantId !== p.tenantId)
    throw errors.forbidden('You can only request models for your own tenant');
  await requireTenant(c, tenantId, 'tenant');
  const existing = await store(c).openFor(tenantId, input.model);
  if (existing) throw duplicate(existing);
  const at = new Date().toISOString();
  const request: ModelRequest = {
    id: newId(),
    tenant: tenantId,
    requested_by: p.id,
    model: input.model,
    use_case: input.use_case,
    requirements: input.requirements ?? '',
    evaluation_criteria: input.evaluation_criteria ?? '',
    current_limitations: input.current_limitations ?? '',
    expected_rpm_average: input.expected_rpm_average ?? null,
    expected_rpm_peak: input.expected_rpm_peak ?? null,
    status: 'open',
    note: '',
    decided_by: null,
    created_at: at,
    updated_at: at,
  };
  try {
    await c.env.DB.batch([
      store(c).insertStatement(request),
      auditStatement(
        c.env.DB,
        p,
        {
          action: 'model_request.create',
          targetType: 'model_request',
          targetId: request.id,
          tenantId,
          detail: { model: request.model },
        },
        at,
      ),
    ]);
  } catch (err) {
    // Two asked at once: the partial unique index let one through.
    const winner = isUniqueViolation(err) ? await store(c).openFor(tenantId, input.model) : null;
    if (winner) throw duplicate(winner);
    throw err;
  }
  return c.json(request, 201);
});

modelRequestAdmin.get('/admin/v1/model-requests', async (c) => {
  const q = validateQuery(ModelRequestQuery, c.req.query());
  const limit = q.limit ?? DEFAULT_LIMIT;
  const rows = await store(c).list(scopeOf(c.get('principal')), {
    limit: limit + 1,
    after: q.cursor ? decodeCursor(q.cursor) : undefined,
    status: q.status,
  });
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  const next_cursor = rows.length > limit && last ? encodeCursor(last) : null;
  return c.json({ object: 'list', data, next_cursor });
});

modelRequestAdmin.get('/admin/v1/model-requests/:id', async (c) => {
  const id = c.req.param('id');
  const found = await store(c).get(id, scopeOf(c.get('principal')));
  if (!found) throw errors.modelRequestNotFound(id);
  return c.json(found);
});

modelRequestAdmin.patch('/admin/v1/model-requests/:id', async (c) => {
  const p = c.get('principal');
  const id = c.req.param('id');
  const input = await adminBody(c, ModelRequestUpdate);
  const found = await store(c).get(id, scopeOf(p));
  if (!found) throw errors.modelRequestNotFound(id);
  if (!triages(p)) throw errors.forbidden('Only org and tenant admins may change the status of a model request');
  if (!NEXT[found.status].includes(input.status)) {
    throw errors.invalidTransition(id, found.status, input.status);
  }
  const at = new Date().toISOString();
  const [update] = await c.env.DB.batch([
    store(c).updateStatement(found, found.status, input.status, input.note ?? found.note, p.id, at),
    auditStatement(
      c.env.DB,
      p,
      {
        action: 'model_request.update',
        targetType: 'model_request',
        targetId: id,
        tenantId: found.tenant,
        detail: { from: found.status, to: input.status },
      },
      at,
      { ifChanged: true }, // a decision that lost the race (409 below) changed nothing
    ),
  ]);
  if (!update?.meta.changes) throw errors.conflict(`Model request '${id}' changed meanwhile; read it again`);
  return c.json((await store(c).get(id, scopeOf(p)))!);
});

function encodeCursor(r: ModelRequest): string {
  return btoa(`${r.created_at}|${r.id}`).replaceAll('=', '');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = atob(cursor).split('|');
    if (createdAt && id && !Number.isNaN(Date.parse(createdAt))) return { createdAt, id };
  } catch {
    // fall through
  }
  throw errors.invalidCursor();
}
