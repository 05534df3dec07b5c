import type { KeyRecord, TokenBudget } from './key-record';
import type { Role } from './principal';

/** Which keys a listing may return, in SQL: all (tenantId null), or a tenant's, narrowed by role and creator. */
export interface KeyScope {
  tenantId: string | null;
  /** Platform-key roles included (endpoint keys always are). */
  roles: Role[];
  /** Only keys this principal created (null: any creator). */
  createdBy: string | null;
}

/** Keys sort by creation, then id; a page starts after this position. */
export interface KeyPosition {
  created_at: string;
  id: string;
}

const ACTIVE_IN_TENANT = "tenant_id = ? AND status = 'active'";

type KeyRow = Omit<KeyRecord, 'endpoints' | 'locked' | 'token_budget'> & {
  endpoints: string | null;
  locked: number;
  token_budget: string | null;
};

function toRecord(row: KeyRow): KeyRecord {
  return {
    ...row,
    endpoints: row.endpoints === null ? null : (JSON.parse(row.endpoints) as string[]),
    locked: row.locked === 1,
    token_budget: row.token_budget === null ? null : (JSON.parse(row.token_budget) as TokenBudget),
  };
}

/** D1 access for API keys. */
export class KeyStore {
  constructor(private readonly db: D1Database) {}

  async byHash(hash: string): Promise<KeyRecord | null> {
    const row = await this.db.prepare('SELECT * FROM api_keys WHERE hash = ?').bind(hash).first<KeyRow>();
    return row ? toRecord(row) : null;
  }

  /** A key by id; with `tenantId`, only if it belongs to that tenant (the scope is in SQL). */
  async byId(id: string, tenantId: string | null = null): Promise<KeyRecord | null> {
    const row = await (
      tenantId === null
        ? this.db.prepare('SELECT * FROM api_keys WHERE id = ?').bind(id)
        : this.db.prepare('SELECT * FROM api_keys WHERE id = ? AND tenant_id = ?').bind(id, tenantId)
    ).first<KeyRow>();
    return row ? toRecord(row) : null;
  }

  /** One page of the keys in `scope`, oldest first, after `after`: `limit` rows read, never the whole table. */
  async page(scope: KeyScope, after: KeyPosition | null, limit: number): Promise<KeyRecord[]> {
    const where: string[] = [];
    const binds: unknown[] = [];
    if (scope.tenantId !== null) {
      where.push('tenant_id = ?', '(role IS NULL OR role IN (SELECT value FROM json_each(?)))');
      binds.push(scope.tenantId, JSON.stringify(scope.roles));
    }
    if (scope.createdBy !== null) {
      where.push('created_by = ?');
      binds.push(scope.createdBy);
    }
    if (after) {
      where.push('(created_at, id) > (?, ?)');
      binds.push(after.created_at, after.id);
    }
    const sql = `SELECT * FROM api_keys ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id LIMIT ?`;
    const { results } = await this.db
      .prepare(sql)
      .bind(...binds, limit)
      .all<KeyRow>();
    return results.map(toRecord);
  }

  /** Active keys of a tenant (its key quota counts these). */
  async activeCount(tenantId: string): Promise<number> {
    return (
      (await this.db
        .prepare(`SELECT COUNT(*) AS n FROM api_keys WHERE ${ACTIVE_IN_TENANT}`)
        .bind(tenantId)
        .first<number>('n')) ?? 0
    );
  }

  async insert(key: KeyRecord): Promise<void> {
    await this.insertStatement(key).run();
  }

  /**
   * The INSERT for a key that only happens while its tenant has fewer than `max`
   * active keys (checked in the same statement, so concurrent creates cannot overshoot).
   * `changes` 0 on its result: the quota is full.
   */
  insertWithinQuotaStatement(key: KeyRecord, max: number): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO api_keys (id, hash, prefix, description, endpoints, concurrency_limit, status, created_at,
           tenant_id, kind, role, expires_at, locked, created_by, token_budget)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
         WHERE (SELECT COUNT(*) FROM api_keys WHERE ${ACTIVE_IN_TENANT.replace('?', '?16')}) < ?17`,
      )
      .bind(...this.values(key), key.tenant_id, max);
  }

  /** The INSERT for a key, for batches that write it with other rows (an endpoint and its First Key). */
  insertStatement(key: KeyRecord): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO api_keys (id, hash, prefix, description, endpoints, concurrency_limit, status, created_at,
           tenant_id, kind, role, expires_at, locked, created_by, token_budget)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(...this.values(key));
  }

  private values(key: KeyRecord): unknown[] {
    return [
      key.id,
      key.hash,
      key.prefix,
      key.description,
      key.endpoints === null ? null : JSON.stringify(key.endpoints),
      key.concurrency_limit,
      key.status,
      key.created_at,
      key.tenant_id,
      key.kind,
      key.role,
      key.expires_at,
      key.locked ? 1 : 0,
      key.created_by,
      key.token_budget === null ? null : JSON.stringify(key.token_budget),
    ];
  }

  /**
   * The UPDATE that sets a key's editable fields, `description` and `token_budget` (for a batch with
   * its audit record). Scoped to the key's tenant; `changes` 0 on its result: no such key there.
   */
  editStatement(
    key: Pick<KeyRecord, 'id' | 'tenant_id'>,
    edit: Pick<KeyRecord, 'description' | 'token_budget'>,
  ): D1PreparedStatement {
    return this.db
      .prepare('UPDATE api_keys SET description = ?, token_budget = ? WHERE id = ? AND tenant_id = ?')
      .bind(
        edit.description,
        edit.token_budget === null ? null : JSON.stringify(edit.token_budget),
        key.id,
        key.tenant_id,
      );
  }

  /**
   * The UPDATE that revokes an active key (for a batch with its audit record). Revocation
   * also tells the key's gate (src/gate/lease.ts `gateFor(...).revoke()`), which the caller does.
   */
  revokeStatement(key: Pick<KeyRecord, 'id' | 'tenant_id'>, now: string): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE api_keys SET status = 'revoked', revoked_at = ? WHERE id = ? AND tenant_id = ? AND status = 'active'",
      )
      .bind(now, key.id, key.tenant_id);
  }

  /** Keys of `tenantId` locked to an endpoint (its First Key): an endpoint of that name in another tenant, then or since, has its own. */
  async firstKeysOf(endpoint: string, tenantId: string): Promise<KeyRecord[]> {
    const { results } = await this.db
      .prepare(
        'SELECT k.* FROM api_keys k, json_each(k.endpoints) e WHERE k.tenant_id = ? AND k.locked = 1 AND e.value = ?',
      )
      .bind(tenantId, endpoint)
      .all<KeyRow>();
    return results.map(toRecord);
  }
}
