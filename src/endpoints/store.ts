import { ApiError } from '../http/api-error';
import type { Endpoint, EndpointConfig } from './schema';

type EndpointRow = Omit<Endpoint, keyof EndpointConfig | 'shared_with'> & { config: string; shared_with: string };

const SELECT = `SELECT e.*, c.config,
    (SELECT json_group_array(s.tenant_id) FROM endpoint_shares s WHERE s.endpoint = e.name) AS shared_with
  FROM endpoints e JOIN endpoint_configs c ON c.endpoint = e.name AND c.version = e.config_version`;

function toEndpoint(row: EndpointRow): Endpoint {
  const config = JSON.parse(row.config) as EndpointConfig;
  const { config: _raw, shared_with, ...meta } = row;
  return { ...meta, ...config, shared_with: (JSON.parse(shared_with) as string[]).sort() };
}

export interface ConfigVersion {
  version: number;
  created_at: string;
  config: EndpointConfig;
}

/** D1 access for endpoints, their versioned configs and their shares. */
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

  /** Creates the endpoint with config version 1; `also` runs in the same transaction (First Key, audit). */
  async create(
    meta: { name: string; description: string; tenantId: string; owner: string },
    config: EndpointConfig,
    now: string,
    also: D1PreparedStatement[] = [],
  ): Promise<Endpoint> {
    try {
      await this.db.batch([
        this.db
          .prepare(
            `INSERT INTO endpoints (name, description, state, config_version, created_at, updated_at, tenant_id, owner)
             VALUES (?, ?, 'ready', 1, ?, ?, ?, ?)`,
          )
          .bind(meta.name, meta.description, now, now, meta.tenantId, meta.owner),
        this.db
          .prepare('INSERT INTO endpoint_configs (endpoint, version, config, created_at) VALUES (?, 1, ?, ?)')
          .bind(meta.name, JSON.stringify(config), now),
        ...also,
      ]);
    } catch (err) {
      if (String(err).includes('UNIQUE') && String(err).includes('endpoints.name')) {
        throw new ApiError(409, `Endpoint '${meta.name}' already exists`, { param: 'name', code: 'endpoint_exists' });
      }
      throw err;
    }
    return (await this.get(meta.name))!;
  }

  /**
   * Writes a new config version as pending: the serving version does not change
   * until the rollout activates it. Conditional on the versions the caller read,
   * so of two concurrent updates one wins and the other gets 409.
   */
  async propose(
    current: Endpoint,
    description: string,
    config: EndpointConfig,
    now: string,
    also: (version: number) => D1PreparedStatement[] = () => [],
  ): Promise<number> {
    const latest = await this.db.prepare('SELECT MAX(version) AS v FROM endpoint_configs WHERE endpoint = ?').bind(current.name).first<number>('v');
    const next = (latest ?? current.config_version) + 1;
    try {
      const [, bump] = await this.db.batch([
        this.db
          .prepare('INSERT INTO endpoint_configs (endpoint, version, config, created_at) VALUES (?, ?, ?, ?)')
          .bind(current.name, next, JSON.stringify(config), now),
        this.db
          .prepare(
            `UPDATE endpoints SET pending_version = ?, config_update = 'in_progress', config_update_error = '', description = ?, updated_at = ?
             WHERE name = ? AND config_version = ? AND pending_version IS ?`,
          )
          .bind(next, description, now, current.name, current.config_version, current.pending_version),
        ...also(next),
      ]);
      if (!bump || bump.meta.changes !== 1) throw new Error('version moved');
    } catch (err) {
      if (String(err).includes('UNIQUE') || String(err).includes('version moved')) {
        throw new ApiError(409, `Endpoint '${current.name}' was changed concurrently; read it again and retry`, { code: 'conflict' });
      }
      throw err;
    }
    return next;
  }

  /** The pending version passed its probe: it serves from now on (atomically, for every new request). */
  async activate(name: string, version: number, now: string): Promise<boolean> {
    const res = await this.db
      .prepare(
        `UPDATE endpoints SET config_version = ?, pending_version = NULL, config_update = 'none', config_update_error = '', updated_at = ?
         WHERE name = ? AND pending_version = ?`,
      )
      .bind(version, now, name, version)
      .run();
    return res.meta.changes === 1;
  }

  /** The pending version failed its probe: the serving version stays, and the endpoint says why. */
  async failRollout(name: string, version: number, error: string, now: string): Promise<void> {
    await this.db
      .prepare(
        `UPDATE endpoints SET pending_version = NULL, config_update = 'failed', config_update_error = ?, updated_at = ?
         WHERE name = ? AND pending_version = ?`,
      )
      .bind(error.slice(0, 1000), now, name, version)
      .run();
  }

  async versions(name: string): Promise<ConfigVersion[]> {
    const { results } = await this.db
      .prepare('SELECT version, created_at, config FROM endpoint_configs WHERE endpoint = ? ORDER BY version')
      .bind(name)
      .all<{ version: number; created_at: string; config: string }>();
    return results.map((r) => ({ version: r.version, created_at: r.created_at, config: JSON.parse(r.config) as EndpointConfig }));
  }

  setStateStatement(name: string, state: Endpoint['state'], now: string): D1PreparedStatement {
    return this.db.prepare('UPDATE endpoints SET state = ?, updated_at = ? WHERE name = ?').bind(state, now, name);
  }

  deleteStatements(name: string): D1PreparedStatement[] {
    return [
      this.db.prepare('DELETE FROM endpoint_shares WHERE endpoint = ?').bind(name),
      this.db.prepare('DELETE FROM endpoint_configs WHERE endpoint = ?').bind(name),
      this.db.prepare('DELETE FROM endpoints WHERE name = ?').bind(name),
    ];
  }

  shareStatement(name: string, tenantId: string, now: string): D1PreparedStatement {
    return this.db.prepare('INSERT OR IGNORE INTO endpoint_shares (endpoint, tenant_id, created_at) VALUES (?, ?, ?)').bind(name, tenantId, now);
  }

  unshareStatement(name: string, tenantId: string): D1PreparedStatement {
    return this.db.prepare('DELETE FROM endpoint_shares WHERE endpoint = ? AND tenant_id = ?').bind(name, tenantId);
  }
}
