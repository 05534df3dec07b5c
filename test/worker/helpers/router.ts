import { exports } from 'cloudflare:workers';
import { inject } from 'vitest';

export const ADMIN_TOKEN = 'test-admin-token';
export const CHAT_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
export const EMBEDDING_MODEL = 'BAAI/bge-small-en-v1.5';

const worker = (exports as unknown as { default: Fetcher }).default;

/** A request to the router under test (the real Worker, in workerd). */
export function call(path: string, init: RequestInit & { json?: unknown; token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  return worker.fetch(new Request(`http://router.test${path}`, { ...init, headers, body }));
}

export function admin(method: string, path: string, json?: unknown): Promise<Response> {
  return call(`/admin/v1${path}`, { method, token: ADMIN_TOKEN, json });
}

/** The origin emulator started by the global setup, optionally with a fault mode prefix. */
export function originUrl(mode = ''): string {
  return inject('originUrl') + (mode ? `/mode/${mode}` : '');
}

export interface EndpointOptions {
  mode?: string;
  model?: string;
  body?: Record<string, unknown>;
}

export async function createEndpoint(name: string, opts: EndpointOptions = {}): Promise<Record<string, unknown>> {
  const res = await admin('POST', '/endpoints', {
    name,
    served_entities: [
      {
        name: `${name}-a`,
        protocol: 'openai',
        model: opts.model ?? CHAT_MODEL,
        origins: [{ url: originUrl(opts.mode) }],
      },
    ],
    ...opts.body,
  });
  if (res.status !== 201) throw new Error(`create endpoint ${name}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function createKey(body: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const res = await admin('POST', '/keys', body);
  if (res.status !== 201) throw new Error(`create key: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function inFlight(keyId: string): Promise<number> {
  const res = await admin('GET', `/keys/${keyId}`);
  return ((await res.json()) as { in_flight: number }).in_flight;
}

/** Polls until `check` passes or the time is up (then the last assertion error is thrown). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export interface OriginRecord {
  path: string;
  mode: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
  outcome: string;
  /** Prompt tokens in the usage the emulator wrote, and the completion tokens it wrote (test/origin/README.md, Stats). */
  promptTokens: number;
  completionTokens: number;
}

export async function originStats(): Promise<{ aborted: number; requests: number; recent: OriginRecord[] }> {
  return (await fetch(`${inject('originUrl')}/__stats`)).json();
}

/** The last request the emulator received whose body carries `marker` in its JSON. */
export async function originRequestWith(marker: string): Promise<OriginRecord> {
  const { recent } = await originStats();
  const found = [...recent].reverse().find((r) => JSON.stringify(r.body ?? {}).includes(marker));
  if (!found) throw new Error(`origin saw no request containing ${marker}`);
  return found;
}

export async function sseEvents(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length));
}

/** Every request the emulator received with this X-Request-Id (the router forwards the client's), oldest first. */
export async function originAttempts(requestId: string): Promise<OriginRecord[]> {
  return (await fetch(`${inject('originUrl')}/__requests?id=${encodeURIComponent(requestId)}`)).json();
}

/** Sets the emulator's `switch/<id>` mode (see test/origin/README.md). */
export async function setSwitch(id: number, mode: string): Promise<void> {
  const res = await fetch(`${inject('originUrl')}/__switch?id=${id}&mode=${encodeURIComponent(mode)}`, {
    method: 'POST',
  });
  if (!res.ok) throw new Error(`switch ${id} → ${mode}: ${res.status}`);
}
