// Which router to talk to and with which admin token: --url/--token, else the
// environment, else the local dev default.

import { AdminClient } from '../lib/admin-client.ts';
import { stringOption } from './args.ts';
import type { OptionValues } from './command.ts';
import { UsageError } from './errors.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8787';
export const URL_ENV = 'EDGE_ROUTER_URL';
export const TOKEN_ENV = 'EDGE_ROUTER_ADMIN_TOKEN';
/** Per-request limit: the admin API answers in milliseconds; a hung connection should not hang the shell. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface Connection {
  url: string;
  token: string | undefined;
}

export function resolveConnection(values: OptionValues, env: NodeJS.ProcessEnv): Connection {
  const url = stringOption(values, 'url') || env[URL_ENV] || DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`the router URL '${url}' is not a URL`, { showUsage: false });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`the router URL '${url}' must be http(s)`, { showUsage: false });
  }
  const token = stringOption(values, 'token') || env[TOKEN_ENV] || undefined;
  return { url, token };
}

export function adminClient(conn: Connection): AdminClient {
  if (!conn.token) {
    throw new UsageError(`no admin token: set ${TOKEN_ENV} or pass --token (the router's ADMIN_TOKEN)`, {
      showUsage: false,
    });
  }
  return new AdminClient(conn.url, conn.token, { timeoutMs: REQUEST_TIMEOUT_MS });
}
