-- Last known health of each origin base URL: written by the cron probe and by a
-- circuit breaker opening in any isolate; read (cached) by the data plane.
CREATE TABLE origin_health (
  url         TEXT PRIMARY KEY,
  healthy     INTEGER NOT NULL CHECK (healthy IN (0, 1)),
  checked_at  TEXT NOT NULL,
  source      TEXT NOT NULL CHECK (source IN ('probe', 'passive')),
  detail      TEXT NOT NULL DEFAULT ''
);
