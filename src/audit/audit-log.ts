import type { Principal } from '../auth/principal';

export interface AuditEntry {
  action: string;
  targetType: 'endpoint' | 'key' | 'tenant' | 'model_request';
  targetId: string;
  tenantId: string | null;
  /** What changed (field names, versions, states): never request or response content. */
  detail?: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  actor_role: string;
  tenant_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  detail: Record<string, unknown>;
}

/**
 * The INSERT of one audit record, to run in the same batch as the change it records.
 * `ifKey`: written only if that key exists by then (its insert was conditional).
 * `ifChanged`: written only if the statement just before it changed a row.
 */
export function auditStatement(
  db: D1Database,
  actor: Principal,
  entry: AuditEntry,
  at: string,
  opts: { ifKey?: string; ifChanged?: boolean } = {},
): D1PreparedStatement {
  const values = [
    at,
    actor.id,
    actor.role,
    entry.tenantId,
    entry.action,
    entry.targetType,
    entry.targetId,
    JSON.stringify(entry.detail ?? {}),
  ];
  const columns = 'INSERT INTO audit_log (at, actor, actor_role, tenant_id, action, target_type, target_id, detail)';
  if (opts.ifChanged) {
    // Written only if the statement just before it in the same batch changed a row (SQLite's changes()): a write
    // that lost a race to another changes nothing, and leaves no record of a change that did not happen.
    return db.prepare(`${columns} SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() > 0`).bind(...values);
  }
  if (opts.ifKey !== undefined) {
    return db
      .prepare(`${columns} SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = ?)`)
      .bind(...values, opts.ifKey);
  }
  return db.prepare(`${columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).bind(...values);
}

/** Newest first; `tenantId` null = every tenant. */
export async function listAudit(
  db: D1Database,
  opts: { tenantId: string | null; limit: number; beforeId?: number; targetId?: string },
): Promise<AuditRecord[]> {
  const where: string[] = [];
  const binds: unknown[] = [];
  if (opts.tenantId !== null) {
    where.push('tenant_id = ?');
    binds.push(opts.tenantId);
  }
  if (opts.beforeId !== undefined) {
    where.push('id < ?');
    binds.push(opts.beforeId);
  }
  if (opts.targetId !== undefined) {
    where.push('target_id = ?');
    binds.push(opts.targetId);
  }
  const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  const { results } = await db
    .prepare(sql)
    .bind(...binds, opts.limit)
    .all<Omit<AuditRecord, 'detail'> & { detail: string }>();
  return results.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
