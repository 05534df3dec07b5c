// Every D1 statement the control plane runs, as its code builds it: each store method is called
// against a recording D1 (nothing runs), and what it prepared and bound is returned with where it
// comes from. test/worker/query-plans.test.ts explains each one against the migrated schema.

import { auditStatement, listAudit } from '../../../src/audit/audit-log';
import type { KeyRecord } from '../../../src/auth/key-record';
import { KeyStore } from '../../../src/auth/key-store';
import type { Principal } from '../../../src/auth/principal';
import type { Endpoint, EndpointConfig } from '../../../src/endpoints/schema';
import { EndpointStore } from '../../../src/endpoints/store';
import { ModelRequestStore, type ModelRequest } from '../../../src/model-requests/store';
import { healthMap, recordHealth, forgetHealth } from '../../../src/origins/health-store';
import { TenantStore } from '../../../src/tenants/store';

export interface RecordedStatement {
  /** Which code built it, e.g. `KeyStore.page (tenant admin, after)`. */
  source: string;
  sql: string;
  params: unknown[];
}

/** A D1Database that records what is prepared and bound, and answers every read with nothing. */
function recordingDb(into: Array<{ sql: string; params: unknown[] }>): D1Database {
  const meta = { changes: 1, last_row_id: 1 };
  const statement = (sql: string) => {
    const entry = { sql, params: [] as unknown[] };
    into.push(entry);
    const stmt = {
      bind(...params: unknown[]) {
        entry.params = params;
        return stmt;
      },
      first: async () => null,
      all: async () => ({ results: [], success: true, meta }),
      run: async () => ({ results: [], success: true, meta }),
      raw: async () => [],
    };
    return stmt;
  };
  return {
    prepare: statement,
    batch: async (stmts: unknown[]) => stmts.map(() => ({ results: [], success: true, meta })),
  } as unknown as D1Database;
}

const TENANT = 'acme';
const AT = '2026-01-01T00:00:00.000Z';
const CONFIG = { served_entities: [], traffic: [], defaults: {}, rate_limits: [], tags: [], timeouts: {} };
const ENDPOINT = {
  id: 'e-1',
  name: 'chat',
  tenant_id: TENANT,
  config_version: 1,
  pending_version: null,
} as unknown as Endpoint;
const KEY: KeyRecord = {
  id: 'key-1',
  hash: 'h',
  prefix: 'p',
  description: '',
  endpoints: ['chat'],
  concurrency_limit: 1,
  status: 'active',
  created_at: AT,
  revoked_at: null,
  tenant_id: TENANT,
  kind: 'endpoint',
  role: null,
  expires_at: null,
  locked: false,
  created_by: 'admin',
  token_budget: null,
};
const REQUEST = {
  id: 'mr-1',
  tenant: TENANT,
  requested_by: 'key-9',
  model: 'm',
  use_case: 'u',
  requirements: '',
  evaluation_criteria: '',
  current_limitations: '',
  expected_rpm_average: null,
  expected_rpm_peak: null,
  status: 'open',
  note: '',
  decided_by: null,
  created_at: AT,
  updated_at: AT,
} satisfies ModelRequest;
const ORG_ADMIN = { id: 'admin', role: 'org_admin', tenantId: null } as unknown as Principal;

/** Every statement the stores build, each labelled with the call (and the scope) that built it. */
export async function controlPlaneStatements(): Promise<RecordedStatement[]> {
  const out: RecordedStatement[] = [];
  const run = async (source: string, call: (db: D1Database) => unknown) => {
    const seen: Array<{ sql: string; params: unknown[] }> = [];
    await call(recordingDb(seen));
    seen.forEach((s, i) => out.push({ source: seen.length > 1 ? `${source} #${i + 1}` : source, ...s }));
  };
  const endpoints = (db: D1Database) => new EndpointStore(db);
  const keys = (db: D1Database) => new KeyStore(db);
  const tenants = (db: D1Database) => new TenantStore(db);
  const requests = (db: D1Database) => new ModelRequestStore(db);

  // Endpoints (src/endpoints/store.ts).
  await run('EndpointStore.get', (db) => endpoints(db).get('chat'));
  await run('EndpointStore.getUsable (tenant)', (db) => endpoints(db).getUsable('chat', TENANT));
  await run('EndpointStore.getOwned (tenant)', (db) => endpoints(db).getOwned('chat', TENANT));
  await run('EndpointStore.page (org)', (db) => endpoints(db).page(null, 'a', 51));
  await run('EndpointStore.page (tenant: own and shared)', (db) => endpoints(db).page(TENANT, 'a', 51));
  await run('EndpointStore.ownedPage (org)', (db) => endpoints(db).ownedPage(null, 'a', 51));
  await run('EndpointStore.ownedPage (tenant)', (db) => endpoints(db).ownedPage(TENANT, 'a', 51));
  await run('EndpointStore.usableByTenant', (db) => endpoints(db).usableByTenant(TENANT, ['chat', 'guard']));
  await run('EndpointStore.modelsFor (every usable)', (db) => endpoints(db).modelsFor(TENANT, null, 100));
  await run('EndpointStore.modelsFor (key scope)', (db) => endpoints(db).modelsFor(TENANT, ['chat'], 100));
  await run('EndpointStore.tenantUsage', (db) => endpoints(db).tenantUsage(TENANT, 'chat'));
  await run('EndpointStore.guardUse', (db) => endpoints(db).guardUse('guard', TENANT));
  await run('EndpointStore.servingOriginUrls (cron: every tenant)', (db) => endpoints(db).servingOriginUrls());
  await run('EndpointStore.create', (db) =>
    endpoints(db).create(
      { name: 'chat', description: '', tenantId: TENANT, owner: 'admin', maxInTenant: 50 },
      CONFIG as unknown as EndpointConfig,
      AT,
    ),
  );
  await run('EndpointStore.propose', (db) =>
    endpoints(db).propose(ENDPOINT, '', CONFIG as unknown as EndpointConfig, AT),
  );
  await run('EndpointStore.activate', (db) => endpoints(db).activate('e-1', 2, AT));
  await run('EndpointStore.failRollout', (db) => endpoints(db).failRollout('e-1', 2, 'x', AT));
  await run('EndpointStore.versions', (db) => endpoints(db).versions('chat', 0, 51));
  await run('EndpointStore.version', (db) => endpoints(db).version('chat', 1));
  await run('EndpointStore.originUrlsEver', (db) => endpoints(db).originUrlsEver('chat'));
  await run('EndpointStore.setStateStatement', (db) => endpoints(db).setStateStatement(ENDPOINT, 'stopped', AT));
  await run('EndpointStore.deleteStatements', (db) => endpoints(db).deleteStatements(ENDPOINT));
  await run('EndpointStore.shareStatement', (db) => endpoints(db).shareStatement(ENDPOINT, 'other', AT));
  await run('EndpointStore.unshareStatement', (db) => endpoints(db).unshareStatement(ENDPOINT, 'other'));

  // Keys (src/auth/key-store.ts).
  const after = { created_at: AT, id: 'key-1' };
  await run('KeyStore.byHash', (db) => keys(db).byHash('h'));
  await run('KeyStore.byId (org)', (db) => keys(db).byId('key-1'));
  await run('KeyStore.byId (tenant)', (db) => keys(db).byId('key-1', TENANT));
  for (const [label, scope] of [
    ['org', { tenantId: null, roles: [], createdBy: null }],
    ['tenant admin', { tenantId: TENANT, roles: ['tenant_admin', 'owner', 'member'], createdBy: null }],
    ['member', { tenantId: TENANT, roles: ['member'], createdBy: 'key-9' }],
  ] as const) {
    const s = { ...scope, roles: [...scope.roles] };
    await run(`KeyStore.page (${label})`, (db) => keys(db).page(s, null, 51));
    await run(`KeyStore.page (${label}, after)`, (db) => keys(db).page(s, after, 51));
  }
  await run('KeyStore.activeCount', (db) => keys(db).activeCount(TENANT));
  await run('KeyStore.insertWithinQuotaStatement', (db) => keys(db).insertWithinQuotaStatement(KEY, 100));
  await run('KeyStore.insertStatement', (db) => keys(db).insertStatement(KEY));
  await run('KeyStore.editStatement', (db) =>
    keys(db).editStatement(KEY, { description: 'new', token_budget: { tokens: 1000, renewal_period: 'day' } }),
  );
  await run('KeyStore.revokeStatement', (db) => keys(db).revokeStatement(KEY, AT));
  await run('KeyStore.firstKeysOf', (db) => keys(db).firstKeysOf('chat', TENANT));

  // Tenants (src/tenants/store.ts).
  await run('TenantStore.get (org)', (db) => tenants(db).get(TENANT));
  await run('TenantStore.get (tenant)', (db) => tenants(db).get(TENANT, TENANT));
  await run('TenantStore.page (org)', (db) => tenants(db).page(null, 'a', 51));
  await run('TenantStore.page (tenant)', (db) => tenants(db).page(TENANT, 'a', 51));
  await run('TenantStore.create', (db) => tenants(db).create('new-tenant', AT, []));

  // The audit log (src/audit/audit-log.ts).
  const entry = { action: 'x', targetType: 'key', targetId: 'key-1', tenantId: TENANT } as const;
  await run('auditStatement', (db) => auditStatement(db, ORG_ADMIN, entry, AT));
  await run('auditStatement (ifChanged)', (db) => auditStatement(db, ORG_ADMIN, entry, AT, { ifChanged: true }));
  await run('auditStatement (ifKey)', (db) => auditStatement(db, ORG_ADMIN, entry, AT, { ifKey: 'key-1' }));
  for (const tenantId of [null, TENANT]) {
    const who = tenantId === null ? 'org' : 'tenant';
    await run(`listAudit (${who})`, (db) => listAudit(db, { tenantId, limit: 101 }));
    await run(`listAudit (${who}, before)`, (db) => listAudit(db, { tenantId, limit: 101, beforeId: 500 }));
    await run(`listAudit (${who}, target)`, (db) => listAudit(db, { tenantId, limit: 101, targetId: 'chat' }));
    await run(`listAudit (${who}, target, before)`, (db) =>
      listAudit(db, { tenantId, limit: 101, beforeId: 500, targetId: 'chat' }),
    );
  }

  // Model requests (src/model-requests/store.ts).
  await run('ModelRequestStore.insertStatement', (db) => requests(db).insertStatement(REQUEST));
  await run('ModelRequestStore.openFor', (db) => requests(db).openFor(TENANT, 'm'));
  await run('ModelRequestStore.updateStatement', (db) =>
    requests(db).updateStatement(REQUEST, 'open', 'approved', '', 'admin', AT),
  );
  const cursor = { createdAt: AT, id: 'mr-1' };
  for (const [label, scope] of [
    ['org', { tenantId: null, requestedBy: null }],
    ['tenant', { tenantId: TENANT, requestedBy: null }],
    ['requester', { tenantId: TENANT, requestedBy: 'key-9' }],
  ] as const) {
    await run(`ModelRequestStore.get (${label})`, (db) => requests(db).get('mr-1', scope));
    await run(`ModelRequestStore.list (${label})`, (db) => requests(db).list(scope, { limit: 51 }));
    await run(`ModelRequestStore.list (${label}, after)`, (db) =>
      requests(db).list(scope, { limit: 51, after: cursor }),
    );
    await run(`ModelRequestStore.list (${label}, status, after)`, (db) =>
      requests(db).list(scope, { limit: 51, after: cursor, status: 'open' }),
    );
  }

  // Origin health (src/origins/health-store.ts): one row per origin URL, read whole on purpose.
  forgetHealth();
  await run('healthMap', (db) => healthMap(db));
  forgetHealth();
  await run('recordHealth', (db) =>
    recordHealth(db, [{ url: 'http://o', healthy: true, checked_at: AT, source: 'probe', detail: '' }]),
  );
  return out;
}
