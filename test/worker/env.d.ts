import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    // Merged into the Env that `wrangler types` generates (worker-configuration.d.ts).
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      OPENAI_API_KEY: string;
      ANTHROPIC_API_KEY: string;
      WRONG_OPENAI_KEY: string;
    }
  }
}
