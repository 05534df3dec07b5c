-- Tenants own endpoints and keys. Existing rows belong to the 'default' tenant.
CREATE TABLE tenants (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL
);
INSERT INTO tenants (id, name, created_at) VALUES ('default', 'default', '1970-01-01T00:00:00.000Z');

ALTER TABLE endpoints ADD COLUMN tenant_id TEXT NOT NULL DEFAULT 'default' REFERENCES tenants(id);
-- The principal (key id, or 'admin' for the ADMIN_TOKEN) that created the endpoint.
ALTER TABLE endpoints ADD COLUMN owner TEXT NOT NULL DEFAULT 'admin';
-- A config version being rolled out: it serves once its origins pass a health probe.
ALTER TABLE endpoints ADD COLUMN pending_version INTEGER;
ALTER TABLE endpoints ADD COLUMN config_update TEXT NOT NULL DEFAULT 'none' CHECK (config_update IN ('none', 'in_progress', 'failed'));
ALTER TABLE endpoints ADD COLUMN config_update_error TEXT NOT NULL DEFAULT '';

-- Endpoints shared with other tenants: those tenants' keys may call them.
CREATE TABLE endpoint_shares (
  endpoint    TEXT NOT NULL REFERENCES endpoints(name) ON DELETE CASCADE,
  tenant_id   TEXT NOT NULL REFERENCES tenants(id),
  created_at  TEXT NOT NULL,
  PRIMARY KEY (endpoint, tenant_id)
);

ALTER TABLE api_keys ADD COLUMN tenant_id TEXT NOT NULL DEFAULT 'default' REFERENCES tenants(id);
-- 'endpoint' keys call the inference API; 'platform' keys call the admin API with their role.
ALTER TABLE api_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'endpoint' CHECK (kind IN ('endpoint', 'platform'));
ALTER TABLE api_keys ADD COLUMN role TEXT CHECK (role IS NULL OR role IN ('org_admin', 'tenant_admin', 'owner', 'member'));
ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
-- An endpoint's First Key: created with the endpoint, cannot be revoked or edited.
ALTER TABLE api_keys ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN created_by TEXT NOT NULL DEFAULT 'admin';

-- Who did what, when, to which endpoint or key (never request or response content).
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at           TEXT NOT NULL,
  actor        TEXT NOT NULL,
  actor_role   TEXT NOT NULL,
  tenant_id    TEXT,
  action       TEXT NOT NULL,
  target_type  TEXT NOT NULL,
  target_id    TEXT NOT NULL,
  detail       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at);
