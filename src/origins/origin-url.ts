/** Joins an origin base URL (which may carry a path prefix) and a route path. */
export function originUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
