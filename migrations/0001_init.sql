-- Endpoints: one row per named endpoint; its configuration lives in versioned rows.
CREATE TABLE endpoints (
  name            TEXT PRIMARY KEY,
  description     TEXT NOT NULL DEFAULT '',
  state           TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'stopped')),
  config_version  INTEGER NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);

-- Every configuration an endpoint has had; old versions are kept for rollback.
CREATE TABLE endpoint_configs (
  endpoint    TEXT NOT NULL REFERENCES endpoints(name) ON DELETE CASCADE,
  version     INTEGER NOT NULL,
  config      TEXT NOT NULL, -- JSON: served_entities, traffic, defaults, rate_limits, tags, timeouts
  created_at  TEXT NOT NULL,
  PRIMARY KEY (endpoint, version)
);

-- API keys: only the SHA-256 of the key is stored; the plaintext exists in the create response only.
CREATE TABLE api_keys (
  id                 TEXT PRIMARY KEY,
  hash               TEXT NOT NULL UNIQUE,
  prefix             TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',
  endpoints          TEXT, -- JSON array of endpoint names; NULL = every endpoint
  concurrency_limit  INTEGER NOT NULL CHECK (concurrency_limit > 0),
  status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_at         TEXT NOT NULL,
  revoked_at         TEXT
);
