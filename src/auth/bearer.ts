import { errors } from '../http/errors';

/** Which API a token is presented to: the messages say what that API expects. */
export type Audience = 'inference' | 'admin';

const WANTED: Record<Audience, string> = {
  inference: 'an endpoint API key',
  admin: 'the ADMIN_TOKEN or a platform key',
};

/**
 * The token of an `Authorization: Bearer <token>` header. Otherwise a 401 that says
 * what to send: no header, another scheme (or a bare key), or `Bearer` with no token.
 * Nothing here says whether any key exists.
 */
export function bearerToken(header: string | undefined, audience: Audience): string {
  const value = header?.trim() ?? '';
  if (value === '') {
    throw errors.missingCredential(audience, WANTED[audience]);
  }
  const match = /^Bearer(?:\s+(\S+))?$/i.exec(value);
  if (!match) {
    // The Bearer scheme and more than a key after it: two headers joined by ', ', or a key with more words.
    if (/^Bearer\s+\S+\s/i.test(value)) throw errors.bearerNotOneKey(/,\s*Bearer\s/i.test(value), WANTED[audience]);
    const scheme = /^(\S+)\s+\S/.exec(value)?.[1];
    throw errors.notBearer(scheme, WANTED[audience]);
  }
  if (!match[1]) {
    throw errors.bearerWithoutKey(WANTED[audience]);
  }
  return match[1];
}
