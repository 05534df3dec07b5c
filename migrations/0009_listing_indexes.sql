-- Every listing pages through an index in its own order (no sort of the rows it skips), and no lookup
-- reads other tenants' rows to find its own: test/worker/query-plans.test.ts explains each statement.

-- The audit log is listed newest first by id: a tenant admin's (audit_log_tenant_at sorted every record of
-- the tenant for each page, and no statement reads by `at`: it goes), one target's (`?target=`) for an org
-- admin (every record was read), and one target's within a tenant (not other tenants' records of that id).
DROP INDEX audit_log_tenant_at;
CREATE INDEX audit_log_tenant_id ON audit_log (tenant_id, id);
CREATE INDEX audit_log_target_id ON audit_log (target_id, id);
CREATE INDEX audit_log_tenant_target_id ON audit_log (tenant_id, target_id, id);

-- The org admin's key and model-request listings (every tenant's): a page reads `limit` rows, not the table.
CREATE INDEX api_keys_created ON api_keys (created_at, id);
CREATE INDEX model_requests_created ON model_requests (created_at DESC, id DESC);

-- Which configs name an endpoint as their guard (EndpointStore.guardUse): before, every config version of
-- every tenant was read and parsed. Only configs with a guard are in these indexes; the expressions are
-- src/endpoints/store.ts GUARD_OF's, word for word (a config that is not JSON names no guard, and is still
-- written as it is: the index refuses no row).
CREATE INDEX endpoint_configs_input_guard
  ON endpoint_configs ((CASE WHEN json_valid(config) THEN json_extract(config, '$.guardrails.input.endpoint') END))
  WHERE (CASE WHEN json_valid(config) THEN json_extract(config, '$.guardrails.input.endpoint') END) IS NOT NULL;
CREATE INDEX endpoint_configs_output_guard
  ON endpoint_configs ((CASE WHEN json_valid(config) THEN json_extract(config, '$.guardrails.output.endpoint') END))
  WHERE (CASE WHEN json_valid(config) THEN json_extract(config, '$.guardrails.output.endpoint') END) IS NOT NULL;
