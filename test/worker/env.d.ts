import type { D1Migration } from 'cloudflare:test';
import type { Env as RouterEnv } from '../../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends RouterEnv {
      TEST_MIGRATIONS: D1Migration[];
      ADMIN_TOKEN: string;
    }
  }
}

