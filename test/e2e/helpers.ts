// Shared pieces of the e2e suite: the stack's URLs (from the globalSetup), an admin
// client, uniquely named endpoints and keys, the openai SDK client, and the origin
// emulator's request log.
//
// Test files run in parallel against one stack: every file creates its own endpoints
// and keys, and finds its requests in the emulator's log by their X-Request-Id (the
// router forwards the client's id to the origin).

import { randomUUID } from 'node:crypto';
import net from 'node:net';
import OpenAI from 'openai';
import { inject } from 'vitest';
import {
  AdminClient,
  type CreatedKey,
  type Endpoint,
  type EndpointDefaults,
  type EndpointTimeouts,
  type OriginInput,
} from '../../scripts/lib/admin-client.ts';
import type { OriginStats, RecordedRequest } from '../origin/stats.ts';

export type { OriginStats, RecordedRequest };

export const CHAT_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
export const EMBEDDING_MODEL = 'BAAI/bge-small-en-v1.5';
export const CONCURRENCY_MESSAGE = 'Concurrent request limit reached, please try again later';

export const routerUrl = (): string => inject('routerUrl');
export const originUrl = (): string => inject('originUrl');
export const admin = (): AdminClient => new AdminClient(inject('routerUrl'), inject('adminToken'));

/** A name no other test (or earlier run) uses: `<prefix>-<time>-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

/** A fresh X-Request-Id, which the emulator records among the request's headers. */
export function newRequestId(prefix = 'e2e'): string {
  return `${prefix}-${randomUUID()}`;
}

/** The emulator's base URL, with a fault mode prefix such as `slow/200` or `stall`. */
export function originWithMode(mode?: string): string {
  return mode ? `${originUrl()}/mode/${mode}` : originUrl();
}

export interface EndpointOptions {
  /** Emulator fault mode of the single origin (ignored when `origins` is given). */
  mode?: string;
  origins?: OriginInput[];
  model?: string;
  defaults?: EndpointDefaults;
  timeouts?: EndpointTimeouts;
}

export async function createEndpoint(prefix: string, opts: EndpointOptions = {}): Promise<Endpoint> {
  return admin().createEndpoint({
    name: uniqueName(prefix),
    served_entities: [
      {
        name: 'main',
        protocol: 'openai',
        model: opts.model ?? CHAT_MODEL,
        origins: opts.origins ?? [{ url: originWithMode(opts.mode) }],
      },
    ],
    ...(opts.defaults ? { defaults: opts.defaults } : {}),
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
  });
}

export async function createKey(endpoints: string[] | null, concurrencyLimit?: number): Promise<CreatedKey> {
  return admin().createKey({
    description: 'e2e',
    endpoints,
    ...(concurrencyLimit !== undefined ? { concurrency_limit: concurrencyLimit } : {}),
  });
}

/** The openai SDK pointed at the router (or at an endpoint-scoped base URL), without retries. */
export function openai(apiKey: string, baseURL = `${routerUrl()}/v1`): OpenAI {
  return new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 20_000 });
}

export async function originStats(): Promise<OriginStats> {
  const res = await fetch(`${originUrl()}/__stats`);
  if (!res.ok) throw new Error(`GET /__stats → ${res.status}`);
  return (await res.json()) as OriginStats;
}

/** Every request the emulator recorded with this X-Request-Id (oldest first). */
export async function recordedWithId(requestId: string): Promise<RecordedRequest[]> {
  return (await originStats()).recent.filter((r) => r.headers['x-request-id'] === requestId);
}

/** The one request the emulator recorded with this X-Request-Id (waits for it briefly). */
export async function recordedRequest(requestId: string): Promise<RecordedRequest> {
  return eventually(
    async () => {
      const found = await recordedWithId(requestId);
      if (found.length !== 1)
        throw new Error(`the emulator recorded ${found.length} requests with x-request-id ${requestId}`);
      return found[0]!;
    },
    { timeoutMs: 5_000 },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries `fn` until it stops throwing, for at most `timeoutMs`; then rethrows its last error. */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  { timeoutMs = 10_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    await sleep(intervalMs);
  }
}

/** The key's live in-flight count, as the admin API reads it from the key's gate. */
export async function inFlight(keyId: string): Promise<number> {
  return (await admin().getKey(keyId)).in_flight;
}

/** Awaits a promise that must reject; returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A 127.0.0.1 port that was just bound and closed: connections to it are refused. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Every item of an async iterable (an SDK's stream), in order. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

export const userMessage = (content: string) => [{ role: 'user' as const, content }];
