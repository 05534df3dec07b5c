import { errors } from '../http/errors';
import { isUniqueViolation } from '../lib/constraint';

export interface Tenant {
  id: string;
  name: string;
  created_at: string;
}

/** Tenants in D1: the store beside the key and endpoint stores (src/auth/key-store.ts, src/endpoints/store.ts). */
export class TenantStore {
  constructor(private readonly db: D1Database) {}

  /** A tenant by id; with `visibleTo`, only if it is that tenant (the scope is in SQL, as in `page`). */
  get(id: string, visibleTo: string | null = null): Promise<Tenant | null> {
    return (
      visibleTo === null
        ? this.db.prepare('SELECT * FROM tenants WHERE id = ?').bind(id)
        : this.db.prepare('SELECT * FROM tenants WHERE id = ? AND id = ?').bind(id, visibleTo)
    ).first<Tenant>();
  }

  /** A page of tenants in id order after `after`: every tenant (`visibleTo` null, an org admin), else only that one. */
  async page(visibleTo: string | null, after: string, limit: number): Promise<Tenant[]> {
    const { results } =
      visibleTo === null
        ? await this.db
            .prepare('SELECT * FROM tenants WHERE id > ? ORDER BY id LIMIT ?')
            .bind(after, limit)
            .all<Tenant>()
        : await this.db.prepare('SELECT * FROM tenants WHERE id = ? AND id > ?').bind(visibleTo, after).all<Tenant>();
    return results;
  }

  /** Creates a tenant (id = name), with `also` in the same batch (the audit record); 409 when it exists. */
  async create(name: string, now: string, also: D1PreparedStatement[]): Promise<Tenant> {
    try {
      await this.db.batch([
        this.db.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)').bind(name, name, now),
        // Shares may name a tenant that does not exist (sharing does not reveal which do); a new tenant inherits none.
        this.db.prepare('DELETE FROM endpoint_shares WHERE tenant_id = ?').bind(name),
        ...also,
      ]);
    } catch (err) {
      // Its id and its name are both unique (and equal): SQLite names whichever index it checked first.
      if (isUniqueViolation(err, 'tenants.id', 'tenants.name')) throw errors.tenantExists(name);
      throw err;
    }
    return { id: name, name, created_at: now };
  }
}
