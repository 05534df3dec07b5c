// A small typed client for the router's admin API (`/admin/v1`). Every method throws
// an AdminApiError carrying the router's JSON error message (and every problem of a
// validation refusal) on a non-2xx answer.

// The admin API's types come from the router's own schemas (src/api-types.ts), never a copy.
import type {
  ApiIssue,
  ApiKeyInfo,
  CreatedEndpoint,
  CreatedKey,
  Endpoint,
  EndpointCreateInput,
  EndpointDetails,
  ExternalEntityInput,
  KeyCreateInput,
  KeyDetails,
  KeyUsageResponse,
  SelfHostedEntityInput,
  ServedEntityInput,
  SharedEndpoint,
  UsageRow,
} from '../../src/api-types.ts';

// Every API type, for the CLI and the tests that use this client.
export type * from '../../src/api-types.ts';

/** An endpoint's config as a create body carries it (everything but the name). */
export type EndpointConfigInput = Omit<EndpointCreateInput, 'name'>;

export type Protocol = 'openai' | 'tgi';

export function isExternalEntity(entity: ServedEntityInput): entity is ExternalEntityInput {
  return 'external_model' in entity;
}

export interface ListResponse<T> {
  object: 'list';
  data: T[];
  /** Paginated listings: more pages follow (fetch them with `cursor` = `next_cursor`). */
  has_more?: boolean;
  next_cursor?: string | null;
}

export interface AdminClientOptions {
  /** Per-request time limit; none when absent. */
  timeoutMs?: number;
}

/** The largest page the admin API's listings give. */
const PAGE_SIZE = 200;

export class AdminApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly code: string | null;
  /** The router's own error message (`error.message`), without the method, path and status. */
  readonly apiMessage: string;
  /**
   * Every problem a validation refusal found (`error.issues`), in order, the first being `apiMessage`;
   * empty when the router listed none.
   */
  readonly issues: readonly ApiIssue[];

  constructor(
    status: number,
    message: string,
    body: unknown,
    code: string | null,
    apiMessage: string = message,
    issues: readonly ApiIssue[] = [],
  ) {
    super(message);
    this.name = 'AdminApiError';
    this.status = status;
    this.body = body;
    this.code = code;
    this.apiMessage = apiMessage;
    this.issues = issues;
  }
}

/** The well-formed entries of an error body's `issues` (anything else is left out). */
function issuesOf(value: unknown): ApiIssue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const { param, message } = (item ?? {}) as { param?: unknown; message?: unknown };
    if (typeof message !== 'string' || (typeof param !== 'string' && param !== null)) return [];
    return [{ param, message }];
  });
}

export class AdminClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number | undefined;

  /** `baseUrl` is the router's root URL (e.g. `http://127.0.0.1:8787`). */
  constructor(baseUrl: string, token: string, opts: AdminClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token;
    this.timeoutMs = opts.timeoutMs;
  }

  // Endpoints

  createEndpoint(input: EndpointCreateInput): Promise<CreatedEndpoint> {
    return this.request('POST', '/endpoints', input);
  }

  async listEndpoints(): Promise<Array<Endpoint | SharedEndpoint>> {
    return (await this.listEndpointsResponse()).data;
  }

  /** Every page of the list, followed through `next_cursor`, as one list answer. */
  listEndpointsResponse(): Promise<ListResponse<Endpoint | SharedEndpoint>> {
    return this.listAll('/endpoints');
  }

  /** Endpoint info of an endpoint of the caller's own tenant (see `readEndpoint` for one that may be shared with it). */
  getEndpoint(name: string): Promise<EndpointDetails> {
    return this.request('GET', `/endpoints/${encodeURIComponent(name)}`);
  }

  /** Endpoint info: the whole endpoint, or the shared view when it is only shared with the caller's tenant. */
  readEndpoint(name: string): Promise<EndpointDetails | SharedEndpoint> {
    return this.request('GET', `/endpoints/${encodeURIComponent(name)}`);
  }

  /** The endpoint, or null when it does not exist (404). */
  async findEndpoint(name: string): Promise<EndpointDetails | SharedEndpoint | null> {
    try {
      return await this.readEndpoint(name);
    } catch (err) {
      if (err instanceof AdminApiError && err.status === 404) return null;
      throw err;
    }
  }

  updateEndpoint(name: string, patch: Partial<EndpointConfigInput>): Promise<EndpointDetails> {
    return this.request('PATCH', `/endpoints/${encodeURIComponent(name)}`, patch);
  }

  deleteEndpoint(name: string): Promise<{ name: string; deleted: boolean }> {
    return this.request('DELETE', `/endpoints/${encodeURIComponent(name)}`);
  }

  stopEndpoint(name: string): Promise<EndpointDetails> {
    return this.request('POST', `/endpoints/${encodeURIComponent(name)}/stop`);
  }

  startEndpoint(name: string): Promise<EndpointDetails> {
    return this.request('POST', `/endpoints/${encodeURIComponent(name)}/start`);
  }

  // Keys

  createKey(input: KeyCreateInput = {}): Promise<CreatedKey> {
    return this.request('POST', '/keys', input);
  }

  async listKeys(): Promise<ApiKeyInfo[]> {
    return (await this.listKeysResponse()).data;
  }

  /** Every page of the list, followed through `next_cursor`, as one list answer. */
  listKeysResponse(): Promise<ListResponse<ApiKeyInfo>> {
    return this.listAll('/keys');
  }

  /** Follows a paginated listing to its end (pages of the largest size the API gives). */
  private async listAll<T>(path: string): Promise<ListResponse<T>> {
    const data: T[] = [];
    let cursor: string | null | undefined = null;
    do {
      const query: string = `?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: ListResponse<T> = await this.request('GET', path + query);
      data.push(...page.data);
      cursor = page.has_more ? page.next_cursor : null;
    } while (cursor);
    return { object: 'list', data, has_more: false, next_cursor: null };
  }

  getKey(id: string): Promise<KeyDetails> {
    return this.request('GET', `/keys/${encodeURIComponent(id)}`);
  }

  async keyUsage(id: string): Promise<UsageRow[]> {
    return (await this.keyUsageResponse(id)).data;
  }

  /** The usage answer as the API sends it, every page followed through `next_cursor` into one. */
  async keyUsageResponse(id: string): Promise<KeyUsageResponse> {
    const path = `/keys/${encodeURIComponent(id)}/usage`;
    let answer: KeyUsageResponse | null = null;
    let cursor: string | null = null;
    do {
      const query: string = `?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: KeyUsageResponse = await this.request('GET', path + query);
      if (answer) answer.data.push(...page.data);
      else answer = page;
      cursor = page.has_more ? page.next_cursor : null;
    } while (cursor);
    return { ...answer, has_more: false, next_cursor: null };
  }

  updateKey(id: string, patch: { description: string }): Promise<ApiKeyInfo> {
    return this.request('PATCH', `/keys/${encodeURIComponent(id)}`, patch);
  }

  revokeKey(id: string): Promise<ApiKeyInfo> {
    return this.request('POST', `/keys/${encodeURIComponent(id)}/revoke`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}/admin/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: this.timeoutMs === undefined ? undefined : AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported as text below
    }
    if (!response.ok) {
      const error = (json as { error?: { message?: unknown; code?: unknown; issues?: unknown } } | undefined)?.error;
      const message = typeof error?.message === 'string' ? error.message : text.slice(0, 500) || response.statusText;
      const code = typeof error?.code === 'string' ? error.code : null;
      throw new AdminApiError(
        response.status,
        `${method} /admin/v1${path} → ${response.status}: ${message}`,
        json ?? text,
        code,
        message,
        issuesOf(error?.issues),
      );
    }
    if (json === undefined) {
      // A 2xx that is not the router's JSON: most likely a base URL that is not the router.
      const message = `expected a JSON answer, got ${text ? `'${text.slice(0, 80)}'` : 'an empty body'}`;
      throw new AdminApiError(
        response.status,
        `${method} /admin/v1${path} → ${response.status}: ${message}`,
        text,
        null,
        message,
      );
    }
    return json as T;
  }
}

/** An endpoint on self-hosted origins only (what most tests and scripts create). */
export type SelfHostedEndpoint = Omit<Endpoint, 'served_entities'> & { served_entities: SelfHostedEntityInput[] };
