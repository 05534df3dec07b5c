import { brokenConstraint, isUniqueViolation } from '../lib/constraint';
import { errors } from '../http/errors';
import type { Endpoint, EndpointConfig } from './schema';

/** Another update switched or proposed a version since the caller read the endpoint. */
class VersionMoved extends Error {}

type EndpointRow = Omit<Endpoint, keyof EndpointConfig | 'shared_with'> & { config: string; shared_with: string };

const SELECT = `SELECT e.*, c.config,
    (SELECT json_group_array(s.tenant_id) FROM endpoint_shares s WHERE s.endpoint = e.name) AS shared_with
  FROM endpoints e JOIN endpoint_configs c ON c.endpoint = e.name AND c.version = e.config_version`;

/** The endpoint named `?1` is still the one with id `?2` (for rows keyed by name: configs, shares). */
const IS_ENDPOINT = `EXISTS (SELECT 1 FROM endpoints WHERE name = ?1 AND id = ?2)`;

/** An endpoint as writes name it: by its identity (`id`), with its name for the rows keyed by name. */
export type EndpointRef = Pick<Endpoint, 'id' | 'name'>;

/**
 * The endpoint a config (`c`) names as its input or output guard, or NULL; indexed in exactly these words
 * (migrations/0009_listing_indexes.sql), so finding a guard's users reads them, not every config.
 */
const GUARD_OF = (stage: 'input' | 'output') =>
  `(CASE WHEN json_valid(c.config) THEN json_extract(c.config, '$.guardrails.${stage}.endpoint') END)`;

/** Rows a tenant may use: its own endpoints and those shared with it (`?1` is the tenant). */
const USABLE_BY_TENANT = `(e.tenant_id = ?1 OR e.name IN (SELECT s.endpoint FROM endpoint_shares s WHERE s.tenant_id = ?1))`;

/**
 * The first `?3` names, after `?2`, of the endpoints tenant `?1` may use, in name order: a merge of its own
 * (endpoints_tenant) and those shared with it (endpoint_shares_tenant), each an index range read `?3` rows
 * deep. The same rows as USABLE_BY_TENANT (a share names an endpoint that exists: its foreign key), but an
 * OR of the two sorts every usable row to find a page; this reads the page.
 */
const USABLE_NAMES_PAGE = `SELECT name FROM endpoints WHERE tenant_id = ?1 AND name > ?2
  UNION SELECT endpoint FROM endpoint_shares WHERE tenant_id = ?1 AND endpoint > ?2 ORDER BY 1 LIMIT ?3`;

function toEndpoint(row: EndpointRow): Endpoint {
  const config = JSON.parse(row.config) as EndpointConfig;
  const { config: _raw, shared_with, ...meta } = row;
  return { ...meta, ...config, shared_with: (JSON.parse(shared_with) as string[]).sort() };
}

function toVersion(row: { version: number; created_at: string; config: string }): ConfigVersion {
  return { version: row.version, created_at: row.created_at, config: JSON.parse(row.config) as EndpointConfig };
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

  /** The named endpoint if `tenantId` may use it (its own, or shared with it; null: any tenant's), scoped in SQL. */
  async getUsable(name: string, tenantId: string | null): Promise<Endpoint | null> {
    if (tenantId === null) return this.get(name);
    const row = await this.db
      .prepare(`${SELECT} WHERE ${USABLE_BY_TENANT} AND e.name = ?2`)
      .bind(tenantId, name)
      .first<EndpointRow>();
    return row ? toEndpoint(row) : null;
  }

  /** The named endpoint if it is `tenantId`'s own (null: any tenant's), scoped in SQL. */
  async getOwned(name: string, tenantId: string | null): Promise<Endpoint | null> {
    if (tenantId === null) return this.get(name);
    const row = await this.db
      .prepare(`${SELECT} WHERE e.tenant_id = ? AND e.name = ?`)
      .bind(tenantId, name)
      .first<EndpointRow>();
    return row ? toEndpoint(row) : null;
  }

  /**
   * One page of endpoints in name order, after `after`: every tenant's (`tenantId`
   * null), or those a tenant may use. Reads `limit` rows, never the whole table.
   */
  async page(tenantId: string | null, after: string, limit: number): Promise<Endpoint[]> {
    const stmt =
      tenantId === null
        ? this.db.prepare(`${SELECT} WHERE e.name > ?1 ORDER BY e.name LIMIT ?2`).bind(after, limit)
        : this.db
            .prepare(`${SELECT} WHERE e.name IN (${USABLE_NAMES_PAGE}) ORDER BY e.name LIMIT ?3`)
            .bind(tenantId, after, limit);
    const { results } = await stmt.all<EndpointRow>();
    return results.map(toEndpoint);
  }

  /**
   * One page of endpoints in name order, after `after`: every tenant's (`tenantId` null),
   * or one tenant's own (not those shared with it: for reads that show origins and traffic).
   */
  async ownedPage(tenantId: string | null, after: string, limit: number): Promise<Endpoint[]> {
    const stmt =
      tenantId === null
        ? this.db.prepare(`${SELECT} WHERE e.name > ?1 ORDER BY e.name LIMIT ?2`).bind(after, limit)
        : this.db
            .prepare(`${SELECT} WHERE e.tenant_id = ?1 AND e.name > ?2 ORDER BY e.name LIMIT ?3`)
            .bind(tenantId, after, limit);
    const { results } = await stmt.all<EndpointRow>();
    return results.map(toEndpoint);
  }

  /** The named endpoints a tenant may use (own or shared), without their configs' bulk where it is not needed. */
  async usableByTenant(tenantId: string, names: string[]): Promise<Endpoint[]> {
    if (names.length === 0) return [];
    const { results } = await this.db
      .prepare(`${SELECT} WHERE ${USABLE_BY_TENANT} AND e.name IN (SELECT value FROM json_each(?2)) ORDER BY e.name`)
      .bind(tenantId, JSON.stringify(names))
      .all<EndpointRow>();
    return results.map(toEndpoint);
  }

  /**
   * What `GET /v1/models` lists for a key: names and creation times of the endpoints
   * its tenant may use, narrowed to its scope (`names`, null = all), at most `limit`.
   */
  async modelsFor(
    tenantId: string,
    names: string[] | null,
    limit: number,
  ): Promise<Array<{ name: string; created_at: string }>> {
    // Every usable endpoint: the first page of them (names after ''); a key's scope: those names, looked up.
    const where =
      names === null
        ? `e.name IN (${USABLE_NAMES_PAGE})`
        : `${USABLE_BY_TENANT} AND e.name IN (SELECT value FROM json_each(?2))`;
    const { results } = await this.db
      .prepare(`SELECT e.name, e.created_at FROM endpoints e WHERE ${where} ORDER BY e.name LIMIT ?3`)
      .bind(tenantId, names === null ? '' : JSON.stringify(names), limit)
      .all<{ name: string; created_at: string }>();
    return results;
  }

  /**
   * What a tenant's endpoints hold now, for its quotas: endpoints, and served entities
   * and origins over each endpoint's newest config (the pending one when there is one).
   * `except`: leave this endpoint out (it is being replaced by an update).
   */
  async tenantUsage(
    tenantId: string,
    except: string | null = null,
  ): Promise<{ endpoints: number; servedEntities: number; origins: number }> {
    const row = await this.db
      .prepare(
        `SELECT COUNT(DISTINCT e.name) AS endpoints,
           COALESCE((SELECT COUNT(*) FROM endpoints e2
             JOIN endpoint_configs c ON c.endpoint = e2.name AND c.version = COALESCE(e2.pending_version, e2.config_version),
             json_each(c.config, '$.served_entities') se
             WHERE e2.tenant_id = ?1 AND e2.name IS NOT ?2), 0) AS servedEntities,
           COALESCE((SELECT COUNT(*) FROM endpoints e3
             JOIN endpoint_configs c ON c.endpoint = e3.name AND c.version = COALESCE(e3.pending_version, e3.config_version),
             json_each(c.config, '$.served_entities') se, json_each(se.value, '$.origins') o
             WHERE e3.tenant_id = ?1 AND e3.name IS NOT ?2), 0) AS origins
         FROM endpoints e WHERE e.tenant_id = ?1 AND e.name IS NOT ?2`,
      )
      .bind(tenantId, except)
      .first<{ endpoints: number; servedEntities: number; origins: number }>();
    return row ?? { endpoints: 0, servedEntities: 0, origins: 0 };
  }

  /**
   * Which other endpoints' serving configs name `guard` as an input or output guard (read in SQL, not by
   * loading every endpoint): the first of `tenantId`'s own, by name, and whether any other tenant's does
   * (a guard shared with it). Another tenant's endpoint is never named: only that there is one.
   */
  async guardUse(guard: string, tenantId: string): Promise<{ inTenant: string | null; elsewhere: boolean }> {
    const guarding = `FROM endpoints e JOIN endpoint_configs c ON c.endpoint = e.name AND c.version = e.config_version
      WHERE e.name != ?1 AND (${GUARD_OF('input')} = ?1 OR ${GUARD_OF('output')} = ?1)`;
    const row = await this.db
      .prepare(
        `SELECT (SELECT e.name ${guarding} AND e.tenant_id = ?2 ORDER BY e.name LIMIT 1) AS in_tenant,
           EXISTS (SELECT 1 ${guarding} AND e.tenant_id != ?2) AS elsewhere`,
      )
      .bind(guard, tenantId)
      .first<{ in_tenant: string | null; elsewhere: number }>();
    return { inTenant: row?.in_tenant ?? null, elsewhere: row?.elsewhere === 1 };
  }

  /** Every distinct origin URL of a serving endpoint's serving config (what the cron probes; external models' providers are not probed). */
  async servingOriginUrls(): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `SELECT DISTINCT json_extract(o.value, '$.url') AS url
         FROM endpoints e JOIN endpoint_configs c ON c.endpoint = e.name AND c.version = e.config_version,
           json_each(c.config, '$.served_entities') se, json_each(se.value, '$.origins') o
         WHERE e.state = 'ready' AND json_extract(se.value, '$.external_model') IS NULL ORDER BY url`,
      )
      .all<{ url: string }>();
    return results.map((r) => r.url);
  }

  /** Creates the endpoint with config version 1; `also` runs in the same transaction (First Key, audit). */
  async create(
    meta: { name: string; description: string; tenantId: string; owner: string; maxInTenant: number },
    config: EndpointConfig,
    now: string,
    also: D1PreparedStatement[] = [],
  ): Promise<Endpoint> {
    try {
      // The row is written only while the tenant is under its endpoint quota (checked in the same
      // statement); when it is not, the config row's foreign key fails and the whole batch rolls back.
      await this.db.batch([
        this.db
          .prepare(
            `INSERT INTO endpoints (id, name, description, state, config_version, created_at, updated_at, tenant_id, owner)
             SELECT ?1, ?2, ?3, 'ready', 1, ?4, ?4, ?5, ?6 WHERE (SELECT COUNT(*) FROM endpoints WHERE tenant_id = ?5) < ?7`,
          )
          .bind(crypto.randomUUID(), meta.name, meta.description, now, meta.tenantId, meta.owner, meta.maxInTenant),
        this.db
          .prepare('INSERT INTO endpoint_configs (endpoint, version, config, created_at) VALUES (?, 1, ?, ?)')
          .bind(meta.name, JSON.stringify(config), now),
        ...also,
      ]);
    } catch (err) {
      if (isUniqueViolation(err, 'endpoints.name')) {
        // Names are unique across the organisation (a key's `model` names one endpoint, shares included);
        // the refusal is the same whoever holds the name, so it says nothing about another tenant.
        throw errors.endpointNameTaken(meta.name);
      }
      if (brokenConstraint(err)?.kind === 'foreign_key') {
        throw errors.quotaExceeded(meta.tenantId, 'endpoints', meta.maxInTenant);
      }
      throw err;
    }
    return (await this.get(meta.name))!;
  }

  /**
   * Writes a new config version as pending: the serving version does not change
   * until the rollout activates it. Conditional on the versions the caller read,
   * so of two concurrent updates one wins and the other gets 409. `also`'s statements
   * run right after the endpoint's conditional update, in the same batch (an audit
   * record written `ifChanged` reads that update's changes()).
   */
  async propose(
    current: Endpoint,
    description: string,
    config: EndpointConfig,
    now: string,
    also: (version: number) => D1PreparedStatement[] = () => [],
  ): Promise<number> {
    const latest = await this.db
      .prepare('SELECT MAX(version) AS v FROM endpoint_configs WHERE endpoint = ?')
      .bind(current.name)
      .first<number>('v');
    const next = (latest ?? current.config_version) + 1;
    try {
      // Both writes are conditional on the endpoint the caller read (its id and versions): if it moved on,
      // or was deleted and its name taken again, neither changes anything.
      const [, bump] = await this.db.batch([
        this.db
          .prepare(
            `INSERT INTO endpoint_configs (endpoint, version, config, created_at) SELECT ?, ?, ?, ?
             WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = ? AND config_version = ? AND pending_version IS ?)`,
          )
          .bind(
            current.name,
            next,
            JSON.stringify(config),
            now,
            current.id,
            current.config_version,
            current.pending_version,
          ),
        this.db
          .prepare(
            `UPDATE endpoints SET pending_version = ?, config_update = 'in_progress', config_update_error = '', description = ?, updated_at = ?
             WHERE id = ? AND config_version = ? AND pending_version IS ?`,
          )
          .bind(next, description, now, current.id, current.config_version, current.pending_version),
        ...also(next),
      ]);
      if (!bump || bump.meta.changes !== 1) throw new VersionMoved();
    } catch (err) {
      if (isUniqueViolation(err) || err instanceof VersionMoved) {
        throw errors.conflict(`Endpoint '${current.name}' was changed concurrently; read it again and retry`);
      }
      throw err;
    }
    return next;
  }

  /**
   * The pending version passed its probe: it serves from now on (atomically, for every new request).
   * Keyed by the endpoint's id, not its name: a rollout that outlives its endpoint never touches one
   * created since under the same name (in any tenant).
   */
  async activate(endpointId: string, version: number, now: string): Promise<boolean> {
    const res = await this.db
      .prepare(
        `UPDATE endpoints SET config_version = ?, pending_version = NULL, config_update = 'none', config_update_error = '', updated_at = ?
         WHERE id = ? AND pending_version = ?`,
      )
      .bind(version, now, endpointId, version)
      .run();
    return res.meta.changes === 1;
  }

  /** The pending version failed its probe: the serving version stays, and the endpoint says why (keyed by id, as `activate`). */
  async failRollout(endpointId: string, version: number, error: string, now: string): Promise<void> {
    await this.db
      .prepare(
        `UPDATE endpoints SET pending_version = NULL, config_update = 'failed', config_update_error = ?, updated_at = ?
         WHERE id = ? AND pending_version = ?`,
      )
      .bind(error.slice(0, 1000), now, endpointId, version)
      .run();
  }

  /** One page of an endpoint's config versions, oldest first, after version `after`: `limit` rows read. */
  async versions(name: string, after: number, limit: number): Promise<ConfigVersion[]> {
    const { results } = await this.db
      .prepare(
        'SELECT version, created_at, config FROM endpoint_configs WHERE endpoint = ? AND version > ? ORDER BY version LIMIT ?',
      )
      .bind(name, after, limit)
      .all<{ version: number; created_at: string; config: string }>();
    return results.map(toVersion);
  }

  /** One config version of an endpoint (a rollback's target), or null. */
  async version(name: string, version: number): Promise<ConfigVersion | null> {
    const row = await this.db
      .prepare('SELECT version, created_at, config FROM endpoint_configs WHERE endpoint = ? AND version = ?')
      .bind(name, version)
      .first<{ version: number; created_at: string; config: string }>();
    return row ? toVersion(row) : null;
  }

  /**
   * Every distinct origin URL any config version of an endpoint has had, ordered by the newest version
   * naming it (last: the newest); read in SQL, not by loading each config.
   */
  async originUrlsEver(name: string): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `SELECT json_extract(o.value, '$.url') AS url, MAX(c.version) AS newest
         FROM endpoint_configs c, json_each(c.config, '$.served_entities') se, json_each(se.value, '$.origins') o
         WHERE c.endpoint = ? AND json_extract(o.value, '$.url') IS NOT NULL
         GROUP BY url ORDER BY newest, url`,
      )
      .bind(name)
      .all<{ url: string }>();
    return results.map((r) => r.url);
  }

  /*
   * The writes below are keyed by the endpoint the caller read (its id, not only its name): if it was
   * deleted and its name taken again since (by any tenant), they change nothing.
   */

  setStateStatement(e: EndpointRef, state: Endpoint['state'], now: string): D1PreparedStatement {
    return this.db.prepare('UPDATE endpoints SET state = ?, updated_at = ? WHERE id = ?').bind(state, now, e.id);
  }

  /** The endpoint's own row is deleted last: an audit record written `ifChanged` right after reads whether it was still there. */
  deleteStatements(e: EndpointRef): D1PreparedStatement[] {
    return [
      this.db.prepare(`DELETE FROM endpoint_shares WHERE endpoint = ?1 AND ${IS_ENDPOINT}`).bind(e.name, e.id),
      this.db.prepare(`DELETE FROM endpoint_configs WHERE endpoint = ?1 AND ${IS_ENDPOINT}`).bind(e.name, e.id),
      this.db.prepare('DELETE FROM endpoints WHERE id = ?').bind(e.id),
    ];
  }

  shareStatement(e: EndpointRef, tenantId: string, now: string): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT OR IGNORE INTO endpoint_shares (endpoint, tenant_id, created_at) SELECT ?1, ?3, ?4 WHERE ${IS_ENDPOINT}`,
      )
      .bind(e.name, e.id, tenantId, now);
  }

  unshareStatement(e: EndpointRef, tenantId: string): D1PreparedStatement {
    return this.db
      .prepare(`DELETE FROM endpoint_shares WHERE endpoint = ?1 AND tenant_id = ?3 AND ${IS_ENDPOINT}`)
      .bind(e.name, e.id, tenantId);
  }
}
