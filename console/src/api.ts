// Calls to the router's own API (same origin), with the session's key as a Bearer token. No cookies:
// fetch's default `credentials: 'same-origin'` has none to send, and the router sets none.

import type { ApiIssue, EndpointView } from './types';

/** One problem of a refused request (the admin API's `error.issues`): `message` is worded as `error.message`. */
export type Issue = ApiIssue;

export interface ErrorBody {
  error: { message: string; type?: string; param?: string | null; code?: string | null; issues?: Issue[] };
}

/** A non-2xx answer (or no answer at all: status 0). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly retryAfter: string | null = null,
    /** Every problem the router found (the admin API lists them); empty when it named one or none. */
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
  }
}

function issuesOf(value: unknown): Issue[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (i): i is Issue =>
      !!i &&
      typeof i === 'object' &&
      typeof (i as Issue).message === 'string' &&
      (typeof (i as Issue).param === 'string' || (i as Issue).param === null),
  );
}

export async function failureOf(res: Response): Promise<ApiFailure> {
  let message = `HTTP ${res.status}`;
  let code: string | null = null;
  let param: string | null = null;
  let issues: Issue[] = [];
  try {
    const body = (await res.json()) as Partial<ErrorBody> & { error_type?: string };
    if (body.error && typeof body.error === 'object') {
      message = body.error.message;
      code = body.error.code ?? null;
      param = body.error.param ?? null;
      issues = issuesOf(body.error.issues);
    } else if (typeof body.error === 'string') {
      message = body.error;
      code = body.error_type ?? null;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiFailure(res.status, message, code, param, res.headers.get('retry-after'), issues);
}

/** What the user can do about a failure, in one sentence after the router's own message. */
export function nextStep(err: unknown): string {
  if (!(err instanceof ApiFailure)) return err instanceof Error ? err.message : String(err);
  const m = err.message.replace(/\.?$/, '.');
  switch (err.status) {
    case 0:
      return 'Could not reach the router. Check your connection and try again.';
    case 401:
      return `${m} Sign out and sign in again with a valid key.`;
    case 403:
      return `${m} Ask an admin of your tenant for access.`;
    case 429:
      return err.retryAfter ? `${m} Try again in ${err.retryAfter} s.` : m;
    case 503:
      if (err.code === 'endpoint_stopped') return `${m} Start it from its page under Endpoints, or ask an operator.`;
      return err.retryAfter ? `${m} Try again in ${err.retryAfter} s.` : m;
    default:
      return m;
  }
}

export interface CallOptions {
  key: string;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Sends a request; throws ApiFailure on a non-2xx answer or a network failure. */
export async function send(method: string, path: string, opts: CallOptions): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.key}`, ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiFailure(0, 'Network error');
  }
  if (!res.ok) throw await failureOf(res);
  return res;
}

export async function json<T>(method: string, path: string, opts: CallOptions): Promise<T> {
  return (await send(method, path, opts)).json() as Promise<T>;
}

interface Page<T> {
  data: T[];
  /** Set when there is more (admin listings are paginated): pass it back as `cursor`. */
  next_cursor?: string | null;
  has_more?: boolean;
}

/** Every item of a paginated admin listing, following `next_cursor` page after page. */
export async function listAll<T>(path: string, key: string, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null | undefined;
  for (let page = 0; page < maxPages; page++) {
    const url = cursor ? `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : path;
    const body = await json<Page<T>>('GET', url, { key });
    items.push(...body.data);
    cursor = body.next_cursor;
    if (!cursor || body.has_more === false) break;
  }
  return items;
}

/**
 * An endpoint as the admin API sends it. A tenant the endpoint is only shared with gets its
 * name, URLs and defaults and nothing of its config (no origins, entities, shares or history):
 * the pages see that as an endpoint with no served entities, marked `access: 'shared'`.
 */
export function endpointView(raw: Partial<EndpointView> & Pick<EndpointView, 'name'>): EndpointView {
  return {
    access: 'tenant',
    description: '',
    tenant: '—',
    owner: '—',
    state: 'ready',
    config_version: 0,
    pending_version: null,
    config_update: 'none',
    config_update_error: '',
    served_entities: [],
    traffic: [],
    defaults: {},
    rate_limits: [],
    tags: [],
    timeouts: {},
    shared_with: [],
    created_at: '',
    updated_at: '',
    ...raw,
  };
}

/** Every endpoint the session may see, normalised (see `endpointView`). */
export async function listEndpoints(key: string): Promise<EndpointView[]> {
  return (await listAll<Partial<EndpointView> & Pick<EndpointView, 'name'>>('/admin/v1/endpoints', key)).map(
    endpointView,
  );
}
