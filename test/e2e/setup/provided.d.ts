// Values the e2e globalSetup (./stack.ts) provides to every test file through `inject()`.
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** The router under `wrangler dev`, e.g. `http://127.0.0.1:41234`. */
    routerUrl: string;
    /** The origin emulator, e.g. `http://127.0.0.1:41235`. */
    originUrl: string;
    /** The admin API token the router was started with. */
    adminToken: string;
  }
}
