import { displayPrefix, generateKey, generateKeyId, hashKey } from './key-material';
import type { KeyRecord } from './key-record';

export type NewKeyOptions = Pick<
  KeyRecord,
  | 'description'
  | 'endpoints'
  | 'concurrency_limit'
  | 'tenant_id'
  | 'kind'
  | 'role'
  | 'expires_at'
  | 'locked'
  | 'created_by'
  | 'token_budget'
>;

/** A fresh key: the record to store (hash only) and the plaintext, which only the create response shows. */
export async function newKey(opts: NewKeyOptions, now: string): Promise<{ record: KeyRecord; plaintext: string }> {
  const plaintext = generateKey();
  const record: KeyRecord = {
    ...opts,
    id: generateKeyId(),
    hash: await hashKey(plaintext),
    prefix: displayPrefix(plaintext),
    status: 'active',
    created_at: now,
    revoked_at: null,
  };
  return { record, plaintext };
}
