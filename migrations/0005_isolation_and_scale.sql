-- Endpoint identity: an endpoint's rate-limit state is keyed by this id, not its name, so an
-- endpoint re-created under the same name (in any tenant) starts from nothing.
ALTER TABLE endpoints ADD COLUMN id TEXT NOT NULL DEFAULT '';
UPDATE endpoints SET id = lower(hex(randomblob(16))) WHERE id = '';
CREATE UNIQUE INDEX endpoints_id ON endpoints (id);

-- Shares name a tenant without requiring it to exist: sharing answers the same whether or not
-- a tenant has that name. A share naming no tenant is inert; creating a tenant drops any share
-- that named it beforehand (it never inherits them).
CREATE TABLE endpoint_shares_new (
  endpoint    TEXT NOT NULL REFERENCES endpoints(name) ON DELETE CASCADE,
  tenant_id   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (endpoint, tenant_id)
);
INSERT INTO endpoint_shares_new (endpoint, tenant_id, created_at) SELECT endpoint, tenant_id, created_at FROM endpoint_shares;
DROP TABLE endpoint_shares;
ALTER TABLE endpoint_shares_new RENAME TO endpoint_shares;

-- Every tenant-scoped read is a range on one of these, never a scan of every tenant's rows.
CREATE INDEX endpoint_shares_tenant ON endpoint_shares (tenant_id, endpoint);
CREATE INDEX endpoints_tenant ON endpoints (tenant_id, name);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at, id);
