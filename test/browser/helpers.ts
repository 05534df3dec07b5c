// The browser tests' view of the e2e stack (the same `wrangler dev` + origin emulator the e2e suite uses,
// from test/e2e/setup/stack.ts), and raw admin calls for what the CLI's client does not cover
// (tenants, platform keys).

import { inject } from 'vitest';

export {
  admin,
  CHAT_MODEL,
  createEndpoint,
  createKey,
  eventually,
  originStats,
  originUrl,
  routerUrl,
  uniqueName,
} from '../e2e/helpers.ts';

/** An admin API call with the admin token (or `token`); throws unless the status is `expect`. */
export async function adminCall<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: { token?: string; expect?: number } = {},
): Promise<T> {
  const res = await fetch(`${inject('routerUrl')}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${opts.token ?? inject('adminToken')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const expected = opts.expect ?? (method === 'POST' ? 201 : 200);
  if (res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

export async function createTenant(name: string): Promise<void> {
  await adminCall('POST', '/tenants', { name });
}

export function platformKey(
  tenant: string,
  role: 'tenant_admin' | 'owner' | 'member',
): Promise<{ id: string; key: string }> {
  return adminCall('POST', '/keys', { kind: 'platform', role, tenant, description: `browser ${role}` });
}
