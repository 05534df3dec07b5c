/** Joins an origin base URL (which may carry a path prefix) and a route path. */
export function originUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** An origin URL fit for logs: any `user:password@` removed. */
export function loggableOriginUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid origin URL)';
  }
}
