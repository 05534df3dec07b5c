import type { KeyRecord } from './key-record';

interface KeyRow {
  id: string;
  hash: string;
  prefix: string;
  description: string;
  endpoints: string | null;
  concurrency_limit: number;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
}

function toRecord(row: KeyRow): KeyRecord {
  return { ...row, endpoints: row.endpoints === null ? null : (JSON.parse(row.endpoints) as string[]) };
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
    await this.db
      .prepare(
        `INSERT INTO api_keys (id, hash, prefix, description, endpoints, concurrency_limit, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        key.id, key.hash, key.prefix, key.description,
        key.endpoints === null ? null : JSON.stringify(key.endpoints),
        key.concurrency_limit, key.status, key.created_at,
      )
      .run();
  }

  async setDescription(id: string, description: string): Promise<KeyRecord | null> {
    const row = await this.db
      .prepare('UPDATE api_keys SET description = ? WHERE id = ? RETURNING *')
      .bind(description, id)
      .first<KeyRow>();
    return row ? toRecord(row) : null;
  }

  /** Marks the key revoked (once; a revoked key stays revoked). */
  async revoke(id: string, at: string): Promise<KeyRecord | null> {
    await this.db
      .prepare("UPDATE api_keys SET status = 'revoked', revoked_at = ? WHERE id = ? AND status = 'active'")
      .bind(at, id)
      .run();
    return this.byId(id);
  }
}
