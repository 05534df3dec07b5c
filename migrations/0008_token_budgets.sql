-- A key's own token budget across every endpoint it calls: JSON { "tokens": n, "renewal_period": "minute" | "hour" | "day" },
-- NULL for none. Counted in the key's gate (Durable Object), not here.
ALTER TABLE api_keys ADD COLUMN token_budget TEXT;
