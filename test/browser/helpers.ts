// The browser tests' view of the e2e stack (the same `wrangler dev` + origin emulator the e2e suite uses,
// from test/e2e/setup/stack.ts).

export { admin, createEndpoint, createKey, eventually, originStats, routerUrl, uniqueName } from '../e2e/helpers.ts';
