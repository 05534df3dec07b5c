import type { KeyRecord } from './key-record';

type KeyRow = Omit<KeyRecord, 'endpoints' | 'locked'> & { endpoints: string | null; locked: number };

function toRecord(row: KeyRow): KeyRecord {
  return { ...row, endpoints: row.endpoints === null ? null : (JSON.parse(row.endpoints) as string[]), locked: row.locked === 1 };
}

/** D1 access for API keys. */
export class KeyStore {
  constructor(private readonly db: D1Database) {}

  async byHash(hash: string): Promise<KeyRecord | null> {
    const row = await this.db.prepare('SELECT * FROM api_keys WHERE hash = ?').bind(hash).first<KeyRow>();
    return row ? toRecord(row) : null;
  }

  async byId(id: string): Promise<KeyRecord | null> {
    const row = await this.db.prepare('SELECT * FROM api_keys WHERE id = ?').bind(id).first<KeyRow>();
    return row ? toRecord(row) : null;
  }

  async list(): Promise<KeyRecord[]> {
    const { results } = await this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all<KeyRow>();
    return results.map(toRecord);
  }

  async insert(key: KeyRecord): Promise<void> {
    await this.insertStatement(key).run();
  }

  /** The INSERT for a key, for batches that write it with other rows (an endpoint and its First Key). */
  insertStatement(key: KeyRecord): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO api_keys (id, hash, prefix, description, endpoints, concurrency_limit, status, created_at,
           tenant_id, kind, role, expires_at, locked, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        key.id, key.hash, key.prefix, key.description,
        key.endpoints === null ? null : JSON.stringify(key.endpoints),
        key.concurrency_limit, key.status, key.created_at,
        key.tenant_id, key.kind, key.role, key.expires_at, key.locked ? 1 : 0, key.created_by,
      );
  }

  /** Keys locked to an endpoint (its First Key). */
  async firstKeysOf(endpoint: string): Promise<KeyRecord[]> {
    const { results } = await this.db
      .prepare('SELECT k.* FROM api_keys k, json_each(k.endpoints) e WHERE k.locked = 1 AND e.value = ?')
      .bind(endpoint)
      .all<KeyRow>();
    return results.map(toRecord);
  }
}
