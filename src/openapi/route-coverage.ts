import type { RouteSpec } from './route-spec';
import { ROUTES } from './routes';

/** A route as Hono lists it (`app.routes`). */
export interface ServedRoute {
  method: string;
  path: string;
}

/** Hono's path form (`/endpoints/:name`, `/:id{[0-9]+}`) in OpenAPI's (`/endpoints/{name}`). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}');
}

/**
 * Compares the routes an app serves with the documented ones, as `METHOD /path`
 * lines: served but not documented, and documented but not served. Middleware
 * (method `ALL`) is not a route.
 */
export function routeCoverage(
  served: readonly ServedRoute[],
  documented: readonly RouteSpec[] = ROUTES,
): { undocumented: string[]; unserved: string[] } {
  const line = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
  const app = new Set(served.filter((r) => r.method !== 'ALL').map((r) => line(r.method, openApiPath(r.path))));
  const docs = new Set(documented.map((r) => line(r.method, r.path)));
  return {
    undocumented: [...app].filter((r) => !docs.has(r)).sort(),
    unserved: [...docs].filter((r) => !app.has(r)).sort(),
  };
}
