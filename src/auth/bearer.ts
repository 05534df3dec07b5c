import { ApiError } from '../http/api-error';

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
    const what = audience === 'inference' ? 'Missing API key' : 'Missing admin token';
    throw new ApiError(401, `${what}: send ${WANTED[audience]} as 'Authorization: Bearer <key>'`, {
      code: audience === 'inference' ? 'missing_api_key' : 'missing_admin_token',
    });
  }
  const match = /^Bearer(?:\s+(\S+))?$/i.exec(value);
  if (!match) {
    const scheme = /^(\S+)\s+\S/.exec(value)?.[1];
    throw new ApiError(
      401,
      `The Authorization header must use the Bearer scheme${scheme ? `, not '${scheme}'` : ''}: send ${WANTED[audience]} as 'Authorization: Bearer <key>'`,
      { code: 'invalid_authorization_header' },
    );
  }
  if (!match[1]) {
    throw new ApiError(
      401,
      `The Authorization header has no key after 'Bearer': send ${WANTED[audience]} as 'Authorization: Bearer <key>'`,
      {
        code: 'invalid_authorization_header',
      },
    );
  }
  return match[1];
}
