import type { Role } from './principal';

/** An API key as stored in D1 (never the plaintext). */
export interface KeyRecord {
  id: string;
  hash: string;
  prefix: string;
  description: string;
  /** Endpoint names this key may call; null = every endpoint its tenant may use. */
  endpoints: string[] | null;
  concurrency_limit: number;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
  tenant_id: string;
  /** 'endpoint': inference only. 'platform': admin API, with `role`. */
  kind: 'endpoint' | 'platform';
  role: Role | null;
  expires_at: string | null;
  /** An endpoint's First Key: cannot be revoked or edited. */
  locked: boolean;
  created_by: string;
  /** Tokens (prompt + completion) the key may use per period across every endpoint it calls; null = no budget. */
  token_budget: TokenBudget | null;
}

/** A key's own token budget (see the README, Token budgets). */
export interface TokenBudget {
  tokens: number;
  renewal_period: 'minute' | 'hour' | 'day';
}

/** Has the key passed its expiry? */
export function keyExpired(key: KeyRecord, now = Date.now()): boolean {
  return key.expires_at !== null && Date.parse(key.expires_at) <= now;
}

/** The public view of a key: everything but the hash. */
export function publicKey(key: KeyRecord) {
  return {
    id: key.id,
    prefix: key.prefix,
    description: key.description,
    kind: key.kind,
    role: key.role,
    tenant: key.tenant_id,
    endpoints: key.endpoints,
    concurrency_limit: key.concurrency_limit,
    token_budget: key.token_budget,
    status: key.status,
    first_key: key.locked,
    created_by: key.created_by,
    created_at: key.created_at,
    expires_at: key.expires_at,
    revoked_at: key.revoked_at,
  };
}
