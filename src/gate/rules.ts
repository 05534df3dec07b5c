import type { KeyRecord } from '../auth/key-record';
import type { Endpoint, RateLimit } from '../endpoints/schema';
import { KEY_BUDGET_SCOPE } from './key-gate';
import { ENDPOINT_SCOPE, tenantScope } from './rate-limiter';
import type { RateRule } from './types';

export const PERIOD_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** The rules one request is admitted under: those its key's gate counts, and those the endpoint's limiter counts. */
export interface AdmissionRules {
  /** The endpoint's `api_key` rules (scope: the endpoint id) and the key's own token budget (scope `*`). */
  key: RateRule[];
  /** The endpoint's `endpoint` and `tenant` rules. */
  shared: RateRule[];
  /** Does any rule count tokens (so the request's tokens must be estimated and reserved)? */
  tokens: boolean;
}

/** The endpoint's own part, computed once per endpoint object (the endpoint cache hands out the same object). */
const byEndpoint = new WeakMap<Endpoint, { key: RateRule[]; endpoint: RateRule[]; tenant: RateLimit[] }>();

export function admissionRules(endpoint: Endpoint, key: KeyRecord): AdmissionRules {
  let own = byEndpoint.get(endpoint);
  if (!own) {
    own = {
      key: endpoint.rate_limits
        .filter((r) => r.key === 'api_key')
        .map((r) => rule(r, `for this API key on endpoint '${endpoint.name}'`)),
      endpoint: endpoint.rate_limits
        .filter((r) => r.key === 'endpoint')
        .map((r) => ({ ...rule(r, `for all keys of endpoint '${endpoint.name}'`), scope: ENDPOINT_SCOPE })),
      tenant: endpoint.rate_limits.filter((r) => r.key === 'tenant'),
    };
    byEndpoint.set(endpoint, own);
  }
  const keyRules = key.token_budget
    ? [
        ...own.key,
        {
          scope: KEY_BUDGET_SCOPE,
          periodMs: PERIOD_MS[key.token_budget.renewal_period],
          tokens: key.token_budget.tokens,
          label: `${key.token_budget.tokens} tokens per ${key.token_budget.renewal_period} for this API key`,
        },
      ]
    : own.key;
  const shared = own.tenant.length
    ? [
        ...own.endpoint,
        ...own.tenant.map((r) => ({
          ...rule(r, `for tenant '${key.tenant_id}' on endpoint '${endpoint.name}'`),
          scope: tenantScope(key.tenant_id),
        })),
      ]
    : own.endpoint;
  return {
    key: keyRules,
    shared,
    tokens: keyRules.some((r) => r.tokens !== undefined) || shared.some((r) => r.tokens !== undefined),
  };
}

function rule(r: RateLimit, whose: string): RateRule {
  const periodMs = PERIOD_MS[r.renewal_period];
  if (r.tokens !== undefined)
    return { periodMs, tokens: r.tokens, label: `${r.tokens} tokens per ${r.renewal_period} ${whose}` };
  return { periodMs, calls: r.calls, label: `${r.calls} calls per ${r.renewal_period} ${whose}` };
}
