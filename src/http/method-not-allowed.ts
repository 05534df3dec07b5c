import { PatternRouter } from 'hono/router/pattern-router';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Which methods a path has routes for, from an app's route table (middleware, registered
 * for every method, does not count). Built on first use, once per isolate: only requests
 * that matched no route ever ask.
 */
export function methodsForPath(
  routes: () => ReadonlyArray<{ method: string; path: string }>,
): (path: string) => string[] {
  let router: PatternRouter<true> | null = null;
  return (path) => {
    if (!router) {
      router = new PatternRouter<true>();
      const seen = new Set<string>();
      for (const route of routes()) {
        const key = `${route.method} ${route.path}`;
        if (route.method === 'ALL' || seen.has(key)) continue;
        seen.add(key);
        router.add(route.method, route.path, true);
      }
    }
    const found = router;
    const allowed: string[] = METHODS.filter((m) => found.match(m, path)[0].length > 0);
    if (allowed.includes('GET')) allowed.push('HEAD');
    return allowed;
  };
}
