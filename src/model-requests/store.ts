import type { ModelRequestStatus } from './schemas';

/** A model request as stored and shown (`tenant` is the owning tenant's id). */
export interface ModelRequest {
  id: string;
  tenant: string;
  requested_by: string;
  model: string;
  use_case: string;
  requirements: string;
  evaluation_criteria: string;
  current_limitations: string;
  expected_rpm_average: number | null;
  expected_rpm_peak: number | null;
  status: ModelRequestStatus;
  note: string;
  decided_by: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Which requests a caller may see, as SQL: every tenant (org admin), one tenant
 * (tenant admin), or one tenant's requests by one requester (owner, member).
 */
export interface Scope {
  tenantId: string | null;
  requestedBy: string | null;
}

const COLUMNS = `id, tenant_id AS tenant, requested_by, model, use_case, requirements, evaluation_criteria, current_limitations,
  expected_rpm_average, expected_rpm_peak, status, note, decided_by, created_at, updated_at`;

function scopeSql(scope: Scope): { where: string[]; binds: unknown[] } {
  const where: string[] = [];
  const binds: unknown[] = [];
  if (scope.tenantId !== null) {
    where.push('tenant_id = ?');
    binds.push(scope.tenantId);
  }
  if (scope.requestedBy !== null) {
    where.push('requested_by = ?');
    binds.push(scope.requestedBy);
  }
  return { where, binds };
}

export class ModelRequestStore {
  constructor(private readonly db: D1Database) {}

  insertStatement(r: ModelRequest): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO model_requests (id, tenant_id, requested_by, model, use_case, requirements, evaluation_criteria, current_limitations,
           expected_rpm_average, expected_rpm_peak, status, note, decided_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        r.id,
        r.tenant,
        r.requested_by,
        r.model,
        r.use_case,
        r.requirements,
        r.evaluation_criteria,
        r.current_limitations,
        r.expected_rpm_average,
        r.expected_rpm_peak,
        r.status,
        r.note,
        r.decided_by,
        r.created_at,
        r.updated_at,
      );
  }

  /** The open request for this model (case-insensitive) in this tenant, if any. */
  openFor(tenantId: string, model: string): Promise<ModelRequest | null> {
    return this.db
      .prepare(
        `SELECT ${COLUMNS} FROM model_requests WHERE tenant_id = ? AND lower(model) = lower(?) AND status = 'open'`,
      )
      .bind(tenantId, model)
      .first<ModelRequest>();
  }

  /** One request, if it is inside the caller's scope. */
  get(id: string, scope: Scope): Promise<ModelRequest | null> {
    const { where, binds } = scopeSql(scope);
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM model_requests WHERE ${['id = ?', ...where].join(' AND ')}`)
      .bind(id, ...binds)
      .first<ModelRequest>();
  }

  /** Newest first, `limit` at a time; `after` is the (created_at, id) of the previous page's last row. */
  async list(
    scope: Scope,
    opts: { limit: number; after?: { createdAt: string; id: string }; status?: ModelRequestStatus },
  ): Promise<ModelRequest[]> {
    const { where, binds } = scopeSql(scope);
    if (opts.status) {
      where.push('status = ?');
      binds.push(opts.status);
    }
    if (opts.after) {
      // A row value: a range on the (created_at, id) indexes, where an OR would read the rows before the cursor.
      where.push('(created_at, id) < (?, ?)');
      binds.push(opts.after.createdAt, opts.after.id);
    }
    const sql = `SELECT ${COLUMNS} FROM model_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const { results } = await this.db
      .prepare(sql)
      .bind(...binds, opts.limit)
      .all<ModelRequest>();
    return results;
  }

  /** Moves a request on from `from` (the status it was read with, so two admins cannot both decide it), within its tenant. */
  updateStatement(
    request: Pick<ModelRequest, 'id' | 'tenant'>,
    from: ModelRequestStatus,
    to: ModelRequestStatus,
    note: string,
    decidedBy: string,
    at: string,
  ): D1PreparedStatement {
    return this.db
      .prepare(
        'UPDATE model_requests SET status = ?, note = ?, decided_by = ?, updated_at = ? WHERE id = ? AND tenant_id = ? AND status = ?',
      )
      .bind(to, note, decidedBy, at, request.id, request.tenant, from);
  }
}
