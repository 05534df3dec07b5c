import type { KeyView } from './types';

/** A key's status as a user means it: an active key past its `expires_at` is refused, so it reads `expired`. */
export function keyStatus(k: KeyView): string {
  return k.status === 'active' && k.expires_at && Date.parse(k.expires_at) <= Date.now() ? 'expired' : k.status;
}
