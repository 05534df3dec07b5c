import { ApiError } from '../http/api-error';
import type { Endpoint, EndpointConfig } from './schema';

interface EndpointRow {
  name: string;
  description: string;
  state: 'ready' | 'stopped';
  config_version: number;
  created_at: string;
  updated_at: string;
  config: string;
}

const SELECT = `SELECT e.*, c.config FROM endpoints e
  JOIN endpoint_configs c ON c.endpoint = e.name AND c.version = e.config_version`;

function toEndpoint(row: EndpointRow): Endpoint {
  const config = JSON.parse(row.config) as EndpointConfig;
  const { config: _raw, ...meta } = row;
  return { ...meta, ...config };
}

/** D1 access for endpoints and their versioned configs. */
export class EndpointStore {
  constructor(private readonly db: D1Database) {}

  async get(name: string): Promise<Endpoint | null> {
    const row = await this.db.prepare(`${SELECT} WHERE e.name = ?`).bind(name).first<EndpointRow>();
    return row ? toEndpoint(row) : null;
  }

  async list(): Promise<Endpoint[]> {
    const { results } = await this.db.prepare(`${SELECT} ORDER BY e.name`).all<EndpointRow>();
    return results.map(toEndpoint);
  }

  async create(name: string, description: string, config: EndpointConfig, now: string): Promise<Endpoint> {
    try {
      await this.db.batch([
        this.db
          .prepare('INSERT INTO endpoints (name, description, state, config_version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)')
          .bind(name, description, 'ready', now, now),
        this.db
          .prepare('INSERT INTO endpoint_configs (endpoint, version, config, created_at) VALUES (?, 1, ?, ?)')
          .bind(name, JSON.stringify(config), now),
      ]);
    } catch (err) {
      if (String(err).includes('UNIQUE')) {
        throw new ApiError(409, `Endpoint '${name}' already exists`, { param: 'name', code: 'endpoint_exists' });
      }
      throw err;
    }
    return (await this.get(name))!;
  }

  /**
   * Writes a new config version. The version bump is conditional on the version the
   * caller read, so two concurrent updates cannot both win: the loser gets 409.
   */
  async update(current: Endpoint, description: string, config: EndpointConfig, now: string): Promise<Endpoint> {
    const next = current.config_version + 1;
    try {
      const [bump] = await this.db.batch([
        this.db
          .prepare('UPDATE endpoints SET config_version = ?, description = ?, updated_at = ? WHERE name = ? AND config_version = ?')
          .bind(next, description, now, current.name, current.config_version),
        this.db
          .prepare('INSERT INTO endpoint_configs (endpoint, version, config, created_at) VALUES (?, ?, ?, ?)')
          .bind(current.name, next, JSON.stringify(config), now),
      ]);
      if (!bump || bump.meta.changes !== 1) throw new Error('UNIQUE: version moved');
    } catch (err) {
      if (String(err).includes('UNIQUE') || String(err).includes('version moved')) {
        throw new ApiError(409, `Endpoint '${current.name}' was changed concurrently; read it again and retry`, {
          code: 'conflict',
        });
      }
      throw err;
    }
    return (await this.get(current.name))!;
  }

  async setState(name: string, state: Endpoint['state'], now: string): Promise<Endpoint | null> {
    await this.db.prepare('UPDATE endpoints SET state = ?, updated_at = ? WHERE name = ?').bind(state, now, name).run();
    return this.get(name);
  }

  async delete(name: string): Promise<boolean> {
    const [, removed] = await this.db.batch([
      this.db.prepare('DELETE FROM endpoint_configs WHERE endpoint = ?').bind(name),
      this.db.prepare('DELETE FROM endpoints WHERE name = ?').bind(name),
    ]);
    return (removed?.meta.changes ?? 0) > 0;
  }
}
