import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { controlPlaneStatements, type RecordedStatement } from './helpers/control-plane-statements';

// "A control plane that scales per tenant": a tenant's read or write costs the same however many rows
// other tenants have. Each statement the stores build (test/worker/helpers/control-plane-statements.ts
// calls them) is explained by D1 against the migrated schema: none may read a table whole, nor sort a
// listing's rows to page them, except the few below, which read what they must and say why.

/** Tables that grow with the organisation (with every tenant's endpoints, keys, history). */
const BIG = ['endpoints', 'endpoint_configs', 'endpoint_shares', 'api_keys', 'tenants', 'audit_log', 'model_requests'];

/** The only whole-table reads, exactly as planned: org-wide reads in index order that stop at their LIMIT, and the cron. */
const ALLOWED_SCANS: Record<string, string> = {
  // An org admin's first page: the newest records, rowid order, LIMIT rows read.
  'listAudit (org)': 'SCAN audit_log',
  'KeyStore.page (org)': 'SCAN api_keys USING INDEX api_keys_created',
  'ModelRequestStore.list (org)': 'SCAN model_requests USING INDEX model_requests_created',
  // The cron probe reads every serving endpoint's origins, whichever tenant: that is its job.
  'EndpointStore.servingOriginUrls (cron: every tenant)': 'SCAN e',
};

/** Sorts that are not a listing's page: one endpoint's config history grouped by origin URL. */
const ALLOWED_SORTS = new Set(['EndpointStore.originUrlsEver']);

/**
 * The index each filtered listing pages through. A range on the rowid alone (`id < ?`) with the filter
 * applied row by row would pass the rules above and still read every older row of every tenant.
 */
const PAGED_BY: Record<string, string> = {
  'EndpointStore.page (tenant: own and shared)': 'endpoint_shares_tenant (tenant_id=? AND endpoint>?)',
  'EndpointStore.ownedPage (tenant)': 'endpoints_tenant (tenant_id=? AND name>?)',
  'EndpointStore.modelsFor (every usable)': 'endpoints_tenant (tenant_id=? AND name>?)',
  'KeyStore.page (org, after)': 'api_keys_created ((created_at,id)>(?,?))',
  'KeyStore.page (tenant admin, after)': 'api_keys_tenant (tenant_id=? AND (created_at,id)>(?,?))',
  'listAudit (tenant)': 'audit_log_tenant_id (tenant_id=?)',
  'listAudit (tenant, before)': 'audit_log_tenant_id (tenant_id=? AND id<?)',
  'listAudit (org, target)': 'audit_log_target_id (target_id=?)',
  'listAudit (org, target, before)': 'audit_log_target_id (target_id=? AND id<?)',
  'listAudit (tenant, target)': 'audit_log_tenant_target_id (tenant_id=? AND target_id=?)',
  'listAudit (tenant, target, before)': 'audit_log_tenant_target_id (tenant_id=? AND target_id=? AND id<?)',
  'ModelRequestStore.list (org, after)': 'model_requests_created ((created_at,id)<(?,?))',
  'ModelRequestStore.list (tenant, after)': 'model_requests_tenant_created (tenant_id=? AND (created_at,id)<(?,?))',
  'EndpointStore.guardUse': 'endpoint_configs_output_guard (<expr>=?)',
};

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

async function plan(s: RecordedStatement): Promise<PlanRow[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${s.sql}`)
    .bind(...s.params)
    .all<PlanRow>();
  return results;
}

/** The table (not alias) a plan line reads, from the statement's FROM and JOIN clauses. */
function tableOf(sql: string, name: string): string {
  const alias = new RegExp(`\\b(\\w+)\\s+(?:AS\\s+)?${name}\\b(?=\\s*(?:,|JOIN|ON|WHERE|CROSS|\\)|$))`, 'i').exec(sql);
  return alias && BIG.includes(alias[1]!) ? alias[1]! : name;
}

describe('query plans of the control plane', async () => {
  const statements = await controlPlaneStatements();

  it('covers the stores: every listing and lookup is explained', () => {
    // A store method that stops building statements (or this list that stops calling it) shows here.
    expect(statements.length).toBeGreaterThan(70);
    for (const source of [...Object.keys(ALLOWED_SCANS), ...ALLOWED_SORTS, ...Object.keys(PAGED_BY)])
      expect(statements.map((s) => s.source)).toContain(source);
  });

  it.each(statements.map((s) => [s.source, s] as const))('%s reads no table whole and sorts no page', async (_, s) => {
    const rows = await plan(s);
    const scans = rows
      .map((r) => r.detail)
      .filter((d) => /^SCAN \w+/.test(d) && !/VIRTUAL TABLE|CONSTANT ROW/.test(d))
      .filter((d) => BIG.includes(tableOf(s.sql, d.split(' ')[1]!)));
    expect(scans, `${s.sql}\n${rows.map((r) => r.detail).join('\n')}`).toEqual(
      ALLOWED_SCANS[s.source] ? [ALLOWED_SCANS[s.source]] : [],
    );
    const sorts = rows.filter((r) => /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(r.detail));
    if (!ALLOWED_SORTS.has(s.source)) expect(sorts, `${s.sql}\n${rows.map((r) => r.detail).join('\n')}`).toEqual([]);
    const index = PAGED_BY[s.source];
    if (index) expect(rows.map((r) => r.detail).join('\n')).toContain(`INDEX ${index}`);
  });
});
