-- Requests for a model to be deployed ("+ Request a model" in the console), triaged by org and tenant admins.
CREATE TABLE model_requests (
  id                   TEXT PRIMARY KEY,
  tenant_id            TEXT NOT NULL REFERENCES tenants(id),
  -- The principal that asked (platform key id, or 'admin' for the ADMIN_TOKEN).
  requested_by         TEXT NOT NULL,
  model                TEXT NOT NULL,
  use_case             TEXT NOT NULL,
  requirements         TEXT NOT NULL DEFAULT '',
  evaluation_criteria  TEXT NOT NULL DEFAULT '',
  current_limitations  TEXT NOT NULL DEFAULT '',
  expected_rpm_average INTEGER,
  expected_rpm_peak    INTEGER,
  status               TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'declined', 'deployed')),
  note                 TEXT NOT NULL DEFAULT '',
  decided_by           TEXT,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL
);
-- At most one open request per model (case-insensitive) and tenant: a second one is refused with the first's id.
CREATE UNIQUE INDEX model_requests_one_open ON model_requests (tenant_id, lower(model)) WHERE status = 'open';
CREATE INDEX model_requests_tenant_created ON model_requests (tenant_id, created_at DESC, id DESC);
