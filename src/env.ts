import type { KeyGate } from './gate/key-gate';
import type { EndpointMetrics } from './metrics/endpoint-metrics';
import type { KeyRecord } from './auth/key-record';
import type { Principal } from './auth/principal';

/** Bindings declared in wrangler.toml (and secrets from .dev.vars / `wrangler secret`). */
export interface Env {
  DB: D1Database;
  GATE: DurableObjectNamespace<KeyGate>;
  /** The web console's files (Workers Static Assets, dist/web); absent when deployed without them. */
  ASSETS?: Fetcher;
  /** One object per endpoint: its metrics in minute and hour buckets. */
  METRICS: DurableObjectNamespace<EndpointMetrics>;
  /** Bearer token of the admin API. Unset = admin API refuses every call. */
  ADMIN_TOKEN?: string;
  /** Largest accepted request body in bytes (default 8 MiB). */
  MAX_BODY_BYTES?: string;
  /** Concurrency limit given to keys created without one. */
  DEFAULT_CONCURRENCY_LIMIT?: string;
  /** Passive outlier detection (see origins/outlier-config.ts): failures in a row that eject an (origin, model), default 5. */
  OUTLIER_CONSECUTIVE_FAILURES?: string;
  /** First ejection's length in ms (doubles with each further one), default 10000. */
  OUTLIER_BASE_EJECTION_MS?: string;
  /** Longest ejection in ms, default 300000. */
  OUTLIER_MAX_EJECTION_MS?: string;
  /** Largest share of a served entity's origins ejected at once, in percent (one may always be), default 50. */
  OUTLIER_MAX_EJECTION_PERCENT?: string;
  /** "false" turns request metrics off (default on). */
  METRICS_ENABLED?: string;
  /** How long each isolate batches metrics before flushing them, in ms (default 5000). */
  METRICS_FLUSH_MS?: string;
  /**
   * Worker secrets external models may reference (`{{secrets/NAME}}`): comma-separated
   * names, each optionally limited to a tenant (`NAME:tenant`). Unset = none.
   */
  EXTERNAL_SECRETS?: string;
  /** Per-tenant quotas (defaults 100, 200, 500, 1000): endpoints, served entities and origins over them, active keys. */
  TENANT_MAX_ENDPOINTS?: string;
  TENANT_MAX_SERVED_ENTITIES?: string;
  TENANT_MAX_ORIGINS?: string;
  TENANT_MAX_KEYS?: string;
}

export interface Variables {
  requestId: string;
  apiKey: KeyRecord;
  /** Who is calling the admin API (set by adminAuth). */
  principal: Principal;
  /** The endpoint an inference request resolved to, and the body's `model` (for counting refusals). */
  endpointName?: string;
  bodyModel?: string;
}

export type AppEnv = { Bindings: Env; Variables: Variables };
