import type { D1Migration } from 'cloudflare:test';
import type { Env as RouterEnv } from '../../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends RouterEnv {
      TEST_MIGRATIONS: D1Migration[];
      ADMIN_TOKEN: string;
      OPENAI_API_KEY: string;
      ANTHROPIC_API_KEY: string;
      WRONG_OPENAI_KEY: string;
    }
  }
}

