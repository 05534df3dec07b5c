/** An API key as stored in D1 (never the plaintext). */
export interface KeyRecord {
  id: string;
  hash: string;
  prefix: string;
  description: string;
  /** Endpoint names this key may call; null = every endpoint. */
  endpoints: string[] | null;
  concurrency_limit: number;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
}

export function keyAllows(key: KeyRecord, endpoint: string): boolean {
  return key.endpoints === null || key.endpoints.includes(endpoint);
}

/** The public view of a key: everything but the hash. */
export function publicKey(key: KeyRecord) {
  return {
    id: key.id,
    prefix: key.prefix,
    description: key.description,
    endpoints: key.endpoints,
    concurrency_limit: key.concurrency_limit,
    status: key.status,
    created_at: key.created_at,
    revoked_at: key.revoked_at,
  };
}
