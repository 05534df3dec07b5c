// A small typed client for the router's admin API (`/admin/v1`). Every method throws
// an AdminApiError carrying the router's JSON error message on a non-2xx answer.

export type Protocol = 'openai' | 'tgi';

export interface OriginInput {
  url: string;
  weight?: number;
  /** Where the origin runs (informational; the console's playground filters by it). */
  region?: string;
}

export interface SelfHostedEntityInput {
  name: string;
  protocol: Protocol;
  model: string;
  origins: OriginInput[];
  /** The origin serves `POST /v1/responses` itself: Responses requests pass through. */
  responses_api?: boolean;
}

/** A provider's hosted model; API keys are secret references (`{{secrets/NAME}}`). */
export interface ExternalModelInput {
  name: string;
  provider: 'openai' | 'anthropic';
  task: 'llm/v1/chat' | 'llm/v1/completions' | 'llm/v1/embeddings';
  openai_config?: { openai_api_key: string; openai_api_base?: string };
  anthropic_config?: { anthropic_api_key: string; anthropic_api_base?: string };
}

export interface ExternalEntityInput {
  name: string;
  external_model: ExternalModelInput;
}

export type ServedEntityInput = SelfHostedEntityInput | ExternalEntityInput;

export function isExternalEntity(entity: ServedEntityInput): entity is ExternalEntityInput {
  return 'external_model' in entity;
}

export interface EndpointDefaults {
  system_prompt?: string;
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  top_k?: number;
  stop?: string | string[];
  presence_penalty?: number;
  frequency_penalty?: number;
}

export interface EndpointTimeouts {
  first_byte_ms?: number;
  idle_ms?: number;
  total_ms?: number;
}

export interface EndpointRateLimit {
  key: 'api_key' | 'endpoint';
  calls: number;
  renewal_period: 'minute' | 'hour' | 'day';
}

/** One guardrail: a Llama Guard endpoint checking prompts (input) or answers (output). */
export interface GuardInput {
  endpoint: string;
  categories?: string[];
  action: 'block' | 'flag';
  on_error: 'fail_open' | 'fail_closed';
  stream_check_tokens?: number;
}

export interface EndpointConfigInput {
  description?: string;
  served_entities: ServedEntityInput[];
  traffic?: Array<{ served_entity: string; percentage: number }>;
  defaults?: EndpointDefaults;
  rate_limits?: EndpointRateLimit[];
  tags?: Array<{ key: string; value: string }>;
  timeouts?: EndpointTimeouts;
  guardrails?: { input?: GuardInput; output?: GuardInput };
}

export interface EndpointCreateInput extends EndpointConfigInput {
  name: string;
}

export interface Endpoint extends Required<Omit<EndpointConfigInput, 'description' | 'guardrails'>> {
  /** The caller's tenant owns it (or the caller is an org admin): the whole endpoint, credentials in origin URLs redacted. */
  access: 'tenant';
  id: string;
  name: string;
  urls: EndpointUrls;
  /** Absent when the endpoint has none. */
  guardrails?: EndpointConfigInput['guardrails'];
  description: string;
  /** `not_ready`: no origin of the serving config is healthy. */
  state: 'ready' | 'not_ready' | 'stopped';
  /** Why it is not_ready (e.g. an external model's missing secret); empty otherwise. */
  state_reason?: string;
  config_version: number;
  /** A newer config version being rolled out (serves once its origins are healthy). */
  pending_version: number | null;
  config_update: 'none' | 'in_progress' | 'failed';
  config_update_error: string;
  tenant: string;
  owner: string;
  shared_with: string[];
  created_at: string;
  updated_at: string;
}

export interface EndpointUrls {
  openai: string;
  tgi: string;
}

/** An endpoint shared with the caller's tenant: what its keys need to call it, nothing about origins or history. */
export interface SharedEndpoint {
  access: 'shared';
  name: string;
  description: string;
  state: 'ready' | 'stopped';
  urls: EndpointUrls;
  defaults: EndpointDefaults;
  rate_limits: EndpointRateLimit[];
  timeouts: EndpointTimeouts;
  created_at: string;
  updated_at: string;
}

/** The create answer: the endpoint and its First Key (plaintext shown only here). */
export interface CreatedEndpoint extends Endpoint {
  first_key: { id: string; key: string; prefix: string };
}

/** An origin's last known health, as endpoint info reports it (null = never checked). */
export interface OriginHealthInfo {
  served_entity: string;
  url: string;
  healthy: boolean | null;
  checked_at: string | null;
  source: 'probe' | 'passive' | null;
  detail: string;
}

/** Endpoint info (GET /endpoints/{name}): the endpoint plus its origins' health. */
export interface EndpointDetails extends Endpoint {
  origin_health?: OriginHealthInfo[];
}

export interface KeyCreateInput {
  description?: string;
  /** Endpoint names the key may call; absent or null = every endpoint. */
  endpoints?: string[] | null;
  concurrency_limit?: number;
}

export interface ApiKeyInfo {
  id: string;
  prefix: string;
  description: string;
  endpoints: string[] | null;
  concurrency_limit: number;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at?: string | null;
}

/** The create answer: the only place the plaintext key appears. */
export interface CreatedKey extends ApiKeyInfo {
  key: string;
}

export interface KeyDetails extends ApiKeyInfo {
  in_flight: number;
}

export interface UsageRow {
  endpoint: string;
  hour: string;
  requests: number;
  completed: number;
  aborted: number;
  failed: number;
  prompt_tokens: number;
  completion_tokens: number;
}

export interface ListResponse<T> {
  object: 'list';
  data: T[];
  /** Paginated listings: more pages follow (fetch them with `cursor` = `next_cursor`). */
  has_more?: boolean;
  next_cursor?: string | null;
}

/** A list answer that also names the key it is about (`GET /keys/{id}/usage`). */
export interface KeyUsageResponse extends ListResponse<UsageRow> {
  key_id: string;
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

  constructor(status: number, message: string, body: unknown, code: string | null, apiMessage: string = message) {
    super(message);
    this.name = 'AdminApiError';
    this.status = status;
    this.body = body;
    this.code = code;
    this.apiMessage = apiMessage;
  }
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

  updateEndpoint(name: string, patch: Partial<EndpointConfigInput>): Promise<Endpoint> {
    return this.request('PATCH', `/endpoints/${encodeURIComponent(name)}`, patch);
  }

  deleteEndpoint(name: string): Promise<{ name: string; deleted: boolean }> {
    return this.request('DELETE', `/endpoints/${encodeURIComponent(name)}`);
  }

  stopEndpoint(name: string): Promise<Endpoint> {
    return this.request('POST', `/endpoints/${encodeURIComponent(name)}/stop`);
  }

  startEndpoint(name: string): Promise<Endpoint> {
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

  /** The usage answer as the API sends it (`{ object: 'list', key_id, data }`). */
  keyUsageResponse(id: string): Promise<KeyUsageResponse> {
    return this.request('GET', `/keys/${encodeURIComponent(id)}/usage`);
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
      const error = (json as { error?: { message?: unknown; code?: unknown } } | undefined)?.error;
      const message = typeof error?.message === 'string' ? error.message : text.slice(0, 500) || response.statusText;
      const code = typeof error?.code === 'string' ? error.code : null;
      throw new AdminApiError(response.status, `${method} /admin/v1${path} → ${response.status}: ${message}`, json ?? text, code, message);
    }
    if (json === undefined) {
      // A 2xx that is not the router's JSON: most likely a base URL that is not the router.
      const message = `expected a JSON answer, got ${text ? `'${text.slice(0, 80)}'` : 'an empty body'}`;
      throw new AdminApiError(response.status, `${method} /admin/v1${path} → ${response.status}: ${message}`, text, null, message);
    }
    return json as T;
  }
}

/** An endpoint on self-hosted origins only (what most tests and scripts create). */
export type SelfHostedEndpoint = Omit<Endpoint, 'served_entities'> & { served_entities: SelfHostedEntityInput[] };
