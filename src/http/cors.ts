/**
 * Cross-origin calls from browsers (the OpenAI SDK with `dangerouslyAllowBrowser`, the Anthropic SDK with
 * `dangerouslyAllowBrowser`, the Vercel AI SDK, plain `fetch`) to the inference APIs. Keys travel in headers, never
 * in cookies, so any origin may call: `Access-Control-Allow-Origin: *`, as OpenAI's and Anthropic's APIs answer. Not
 * for the admin API and `/metrics`: the console calls them from the router's own origin, and nothing else in a
 * browser should.
 */

/** The router's own response headers a browser script may read (the rest it may not, across origins). */
const EXPOSED = [
  'x-request-id',
  'x-served-entity',
  'retry-after',
  'server-timing',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
  'x-guardrails-flagged',
  'x-guardrails-unchecked',
  'x-prompt-tokens',
  'x-generated-tokens',
].join(', ');

/** How long a browser may keep a preflight's answer (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_S = 7_200;

/** A header list as browsers send it in `Access-Control-Request-Headers`: names, commas, spaces. */
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~, -]{0,2000}$/;

/** Paths that answer browsers from any origin: all but the admin API and `/metrics`. */
export function crossOrigin(path: string): boolean {
  return !path.startsWith('/admin/') && path !== '/admin' && path !== '/metrics';
}

/**
 * The answer to a browser's preflight (`OPTIONS` with `Access-Control-Request-Method`) on a cross-origin path, or
 * null for any other request. It allows GET and POST with whatever headers the script asked for (the SDKs send
 * their own, `x-stainless-*`, `anthropic-version`); the request itself is then authenticated as any other.
 */
export function preflight(request: Request, path: string): Response | null {
  if (request.method !== 'OPTIONS' || !crossOrigin(path)) return null;
  const method = request.headers.get('access-control-request-method');
  if (method === null) return null;
  const asked = request.headers.get('access-control-request-headers') ?? '';
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST',
      ...(asked && HEADER_LIST.test(asked) ? { 'access-control-allow-headers': asked } : {}),
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
    },
  });
}

/** Lets a script on another origin read the response (errors included, so it can show why). */
export function allowCrossOrigin(headers: Headers): void {
  headers.set('access-control-allow-origin', '*');
  headers.set('access-control-expose-headers', EXPOSED);
}
