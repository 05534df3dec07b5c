import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// Idempotent: every test file starts from the migrated schema of its own isolated storage.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
