// The load generator's HTTP client: node:http with one keep-alive Agent per target, the
// same code for the origin (direct) and the router, so client overhead cancels out in
// the differences. No Accept-Encoding is sent (Miniflare would gzip JSON otherwise).
// Times come from performance.now() around each request.

import http from 'node:http';

export interface Target {
  name: string;
  host: string;
  port: number;
  /** Path prefix of the base URL (e.g. `/mode/normal/0`), no trailing slash. */
  basePath: string;
  agent: http.Agent;
}

export function makeTarget(name: string, baseUrl: string): Target {
  const u = new URL(baseUrl);
  if (u.protocol !== 'http:') throw new Error(`only http:// targets are supported (${baseUrl})`);
  return {
    name,
    host: u.hostname,
    port: Number(u.port || 80),
    basePath: u.pathname.replace(/\/+$/, ''),
    agent: new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 }),
  };
}

export function closeTarget(t: Target): void {
  t.agent.destroy();
}

export interface Reply {
  status: number;
  /** Request start to response headers. */
  headersMs: number;
  /** Request start to the end of the body. */
  totalMs: number;
  bytes: number;
  serverTiming: string | undefined;
  body?: string;
}

export interface StreamReply extends Reply {
  /** Request start to the first complete SSE event. */
  firstEventMs: number;
  /** Arrival time (from request start) of every complete SSE event. */
  eventMs: number[];
  /** Body chunks received; and how many of them carried more than one event (coalescing). */
  chunks: number;
  multiEventChunks: number;
  sawDone: boolean;
}

export interface RequestSpec {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  keepBody?: boolean;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function options(t: Target, spec: RequestSpec): http.RequestOptions {
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.body) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(spec.body.length);
  }
  return {
    host: t.host,
    port: t.port,
    path: t.basePath + spec.path,
    method: spec.method ?? (spec.body ? 'POST' : 'GET'),
    agent: t.agent,
    headers,
  };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

type Handler<R> = (res: http.IncomingMessage, t0: number, resolve: (r: R) => void, reject: (e: Error) => void) => void;

/** Sends one request; retries once (re-timed) when a reused keep-alive socket was closed under it. */
function send<R>(t: Target, spec: RequestSpec, handle: Handler<R>): Promise<R> {
  const attempt = (retry: boolean): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(options(t, spec), (res) => handle(res, t0, resolve, reject));
      req.setTimeout(spec.timeoutMs ?? DEFAULT_TIMEOUT_MS, () =>
        req.destroy(new Error(`timeout after ${spec.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
      );
      req.once('error', (err: NodeJS.ErrnoException) => {
        if (retry && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) resolve(attempt(false));
        else reject(err);
      });
      req.end(spec.body);
    });
  return attempt(true);
}

export function request(t: Target, spec: RequestSpec): Promise<Reply> {
  return send<Reply>(t, spec, (res, t0, resolve, reject) => {
    const headersMs = performance.now() - t0;
    let bytes = 0;
    const chunks: Buffer[] | null = spec.keepBody ? [] : null;
    res.on('data', (c: Buffer) => {
      bytes += c.length;
      chunks?.push(c);
    });
    res.once('error', reject);
    res.once('end', () =>
      resolve({
        status: res.statusCode ?? 0,
        headersMs,
        totalMs: performance.now() - t0,
        bytes,
        serverTiming: headerValue(res.headers['server-timing']),
        body: chunks ? Buffer.concat(chunks).toString() : undefined,
      }),
    );
  });
}

/** A streaming request, timing each SSE event as it arrives. */
export function requestStream(t: Target, spec: RequestSpec): Promise<StreamReply> {
  return send<StreamReply>(t, spec, (res, t0, resolve, reject) => {
    const headersMs = performance.now() - t0;
    let bytes = 0;
    let buf = '';
    let chunks = 0;
    let multiEventChunks = 0;
    let sawDone = false;
    const eventMs: number[] = [];
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      const now = performance.now() - t0;
      bytes += Buffer.byteLength(text);
      chunks++;
      buf += text;
      let events = 0;
      for (;;) {
        const m = /\r?\n\r?\n/.exec(buf);
        if (!m) break;
        const event = buf.slice(0, m.index);
        buf = buf.slice(m.index + m[0].length);
        if (event.trim() === '') continue;
        if (event.startsWith(':')) continue; // SSE comment (keep-alive)
        if (event.includes('data: [DONE]')) sawDone = true;
        eventMs.push(now);
        events++;
      }
      if (events > 1) multiEventChunks++;
    });
    res.once('error', reject);
    res.once('end', () =>
      resolve({
        status: res.statusCode ?? 0,
        headersMs,
        totalMs: performance.now() - t0,
        bytes,
        serverTiming: headerValue(res.headers['server-timing']),
        firstEventMs: eventMs[0] ?? NaN,
        eventMs,
        chunks,
        multiEventChunks,
        sawDone,
      }),
    );
  });
}

export interface HeldStream {
  /** Resolves once the first SSE event arrived (the request is admitted and streaming). */
  started: Promise<number>;
  /** Closes the connection (the client leaves). */
  close(): void;
}

/** Opens a streaming request and keeps it open until close(); uses its own connection. */
export function holdStream(t: Target, spec: RequestSpec): HeldStream {
  let req: http.ClientRequest | null = null;
  const started = new Promise<number>((resolve, reject) => {
    const o = options(t, spec);
    o.agent = false;
    req = http.request(o, (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.once('end', () => reject(new Error(`held stream got HTTP ${res.statusCode}: ${body.slice(0, 300)}`)));
        return;
      }
      res.once('data', () => resolve(res.statusCode ?? 0));
      res.on('data', () => undefined);
      res.once('error', () => undefined);
    });
    req.once('error', reject);
    req.setTimeout(spec.timeoutMs ?? 120_000, () => req?.destroy(new Error('held stream timed out')));
    req.end(spec.body);
  });
  started.catch(() => undefined);
  return {
    started,
    close: () => {
      req?.destroy();
    },
  };
}
