/**
 * The operator's settings: wrangler.toml `[vars]` (and `.dev.vars` locally), read and
 * parsed here and nowhere else, once per `env` object. A value that is unset, empty
 * or out of range falls back to its default, so a typo never takes the router down.
 */
export interface Config {
  /** Largest accepted request body in bytes (`MAX_BODY_BYTES`). */
  maxBodyBytes: number;
  /** Concurrency limit given to keys created without one (`DEFAULT_CONCURRENCY_LIMIT`). */
  defaultConcurrencyLimit: number;
  /** Completion tokens a token budget reserves for a request with no max_tokens and no endpoint default (`TOKEN_BUDGET_DEFAULT_MAX_TOKENS`). */
  tokenBudgetDefaultMaxTokens: number;
  outlier: OutlierConfig;
  /** Request metrics on (`METRICS_ENABLED` is anything but "false"), flushed this often (`METRICS_FLUSH_MS`). */
  metrics: { enabled: boolean; flushMs: number };
  tenantQuotas: TenantQuotas;
  /**
   * How long after the gate last admitted a request on a key from an isolate a finished
   * request's lease may pass to the next one on the same key there, without asking the gate
   * (`LEASE_REUSE_MS`, 0–1000, default 250; 0: every request asks the gate). It bounds
   * how long other isolates may still admit a revoked key's requests. See src/gate/release-batch.ts.
   */
  leaseReuseMs: number;
  /** Which requests get a log line (`REQUEST_LOG`): see src/metrics/request-log.ts. */
  requestLog: RequestLogMode;
  /** Worker secrets external models may reference (`EXTERNAL_SECRETS`), each for one tenant or (null) all. */
  externalSecrets: Array<{ name: string; tenant: string | null }>;
}

/**
 * Passive outlier detection settings (after Envoy's): operator-wide, never per
 * endpoint — the origins are shared, so no tenant may make them easier to eject.
 */
export interface OutlierConfig {
  /** Consecutive failures (from at least two requests) that eject an (origin, model). */
  consecutiveFailures: number;
  /** First ejection's length; each further one doubles it, up to `maxEjectionMs`. */
  baseEjectionMs: number;
  maxEjectionMs: number;
  /** At most this share of a served entity's origins is ejected at once (at least one may be). */
  maxEjectionPercent: number;
  /**
   * A first-byte timeout counts against the origin only when the attempt waited at least this long
   * (`OUTLIER_FIRST_BYTE_MS`), whatever the endpoint's own `first_byte_ms`: a shorter one still fails
   * over, with no verdict, so no endpoint owner's short timeout can eject an origin others share.
   */
  firstByteMs: number;
}

/**
 * `all`: a line per request; `failures` (the default): requests that did not complete
 * (an error status, a failed or aborted stream); `off`: none.
 */
export type RequestLogMode = 'all' | 'failures' | 'off';
const REQUEST_LOG_MODES: readonly RequestLogMode[] = ['all', 'failures', 'off'];
export const DEFAULT_REQUEST_LOG: RequestLogMode = 'failures';

/** What each tenant may hold at most. */
export interface TenantQuotas {
  endpoints: number;
  servedEntities: number;
  origins: number;
  keys: number;
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
export const DEFAULT_CONCURRENCY_LIMIT = 8;
export const DEFAULT_TOKEN_BUDGET_MAX_TOKENS = 1024;
export const DEFAULT_FLUSH_MS = 5_000;
export const DEFAULT_LEASE_REUSE_MS = 250;

/** The least `OUTLIER_FIRST_BYTE_MS` may be: a shorter wait says nothing about an origin. */
export const TIMEOUT_FLOOR_MS = 1_000;

export const DEFAULT_OUTLIER_CONFIG: OutlierConfig = {
  consecutiveFailures: 5,
  baseEjectionMs: 10_000,
  maxEjectionMs: 300_000,
  maxEjectionPercent: 50,
  firstByteMs: 10_000,
};

export const DEFAULT_TENANT_QUOTAS: TenantQuotas = { endpoints: 100, servedEntities: 200, origins: 500, keys: 1_000 };

/** The vars this module reads (the generated `Env` declares them; tests may pass a partial one). */
type Vars = Partial<Record<keyof Env, unknown>>;

const parsed = new WeakMap<object, Config>();

export function routerConfig(env: Env): Config {
  const hit = parsed.get(env);
  if (hit) return hit;
  const vars = env as Vars;
  const o = DEFAULT_OUTLIER_CONFIG;
  const q = DEFAULT_TENANT_QUOTAS;
  const outlier: OutlierConfig = {
    consecutiveFailures: int(vars.OUTLIER_CONSECUTIVE_FAILURES, o.consecutiveFailures, 2, 1_000),
    baseEjectionMs: int(vars.OUTLIER_BASE_EJECTION_MS, o.baseEjectionMs, 100, 3_600_000),
    maxEjectionMs: int(vars.OUTLIER_MAX_EJECTION_MS, o.maxEjectionMs, 100, 86_400_000),
    maxEjectionPercent: int(vars.OUTLIER_MAX_EJECTION_PERCENT, o.maxEjectionPercent, 0, 100),
    firstByteMs: int(vars.OUTLIER_FIRST_BYTE_MS, o.firstByteMs, TIMEOUT_FLOOR_MS, 600_000),
  };
  outlier.maxEjectionMs = Math.max(outlier.maxEjectionMs, outlier.baseEjectionMs);
  const flushMs = Number(vars.METRICS_FLUSH_MS ?? DEFAULT_FLUSH_MS);
  const result: Config = {
    maxBodyBytes: positive(vars.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
    defaultConcurrencyLimit: positiveInt(vars.DEFAULT_CONCURRENCY_LIMIT, DEFAULT_CONCURRENCY_LIMIT),
    tokenBudgetDefaultMaxTokens: positiveInt(vars.TOKEN_BUDGET_DEFAULT_MAX_TOKENS, DEFAULT_TOKEN_BUDGET_MAX_TOKENS),
    outlier,
    metrics: {
      enabled: vars.METRICS_ENABLED !== 'false',
      flushMs: Number.isFinite(flushMs) && flushMs >= 0 ? flushMs : DEFAULT_FLUSH_MS,
    },
    tenantQuotas: {
      endpoints: positiveInt(vars.TENANT_MAX_ENDPOINTS, q.endpoints),
      servedEntities: positiveInt(vars.TENANT_MAX_SERVED_ENTITIES, q.servedEntities),
      origins: positiveInt(vars.TENANT_MAX_ORIGINS, q.origins),
      keys: positiveInt(vars.TENANT_MAX_KEYS, q.keys),
    },
    leaseReuseMs: int(vars.LEASE_REUSE_MS, DEFAULT_LEASE_REUSE_MS, 0, 1_000),
    requestLog: REQUEST_LOG_MODES.find((m) => m === vars.REQUEST_LOG) ?? DEFAULT_REQUEST_LOG,
    externalSecrets: secretGrants(vars.EXTERNAL_SECRETS),
  };
  parsed.set(env, result);
  return result;
}

/** An integer var within [min, max]; unset or out of range → the default. */
function int(value: unknown, fallback: number, min: number, max: number): number {
  const n = Number(value);
  return typeof value === 'string' && value !== '' && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

function positiveInt(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

function positive(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * `NAME` (every tenant) or `NAME:tenant` (one), comma-separated; blank entries ignored.
 * An entry with an empty name or tenant (`NAME:`, `:acme`) or a second colon is a typo
 * that must not widen a grant: it grants nothing, and says so in one log line.
 */
function secretGrants(value: unknown): Config['externalSecrets'] {
  if (typeof value !== 'string') return [];
  const grants: Config['externalSecrets'] = [];
  for (const entry of value.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const [name = '', tenant, ...rest] = entry.split(':').map((s) => s.trim());
    if (name === '' || tenant === '' || rest.length > 0) {
      console.warn(
        JSON.stringify({
          msg: 'config: EXTERNAL_SECRETS entry refused',
          entry: entry.slice(0, 100),
          reason: 'expected NAME or NAME:tenant; the entry grants its secret to no tenant',
        }),
      );
      continue;
    }
    grants.push({ name, tenant: tenant ?? null });
  }
  return grants;
}
