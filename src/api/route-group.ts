import { Hono, type Context } from 'hono';
import type { InferenceEnv } from '../auth/inference-env';
import type { ErrorProtocol } from '../http/error-renderers';
import { methodsForPath } from '../http/method-not-allowed';
import type { RouterEnv } from '../http/router-env';
import { recordRefusal } from '../metrics/hooks';
import type { AdminEnv } from './admin/admin-auth';
import { errorResponse } from './error-handler';

/**
 * A route group: a sub-app whose routes speak one protocol, so every error its
 * middleware and handlers throw answers in that protocol's shape (its own
 * `onError`), and a wrong method on one of its paths answers 405 in it too
 * (`owningGroup`). Mount groups with `app.route('/', group)`: their paths are
 * written out in full, so a path's handler is found by searching for the path.
 */
interface GroupFacts {
  protocol: ErrorProtocol;
  /** The methods the group serves on a path (none: not its path). */
  allowedMethods: (path: string) => string[];
}

const facts = new WeakMap<object, GroupFacts>();

function group<E extends RouterEnv>(
  protocol: ErrorProtocol,
  onError: (err: Error, c: Context<E>) => Response,
): Hono<E> {
  const app = new Hono<E>();
  app.onError(onError);
  facts.set(app, { protocol, allowedMethods: methodsForPath(() => app.routes) });
  return app;
}

/** An inference route group: errors in `protocol`'s shape, each counted as a refusal of the endpoint it targeted. */
export function inferenceRoutes(protocol: ErrorProtocol): Hono<InferenceEnv> {
  return group<InferenceEnv>(protocol, (err, c) => {
    recordRefusal(c, err);
    return errorResponse(protocol, err, c);
  });
}

/**
 * An admin route group (the admin API, `/metrics`): errors in the OpenAI shape (with `issues` on a
 * validation refusal), never counted against an endpoint.
 */
export function adminRoutesGroup(): Hono<AdminEnv> {
  return group<AdminEnv>('admin', (err, c) => errorResponse('admin', err, c));
}

/** Of these groups, the one that serves `path` (with some method), and the methods it allows there. */
export function owningGroup(
  groups: readonly object[],
  path: string,
): { protocol: ErrorProtocol; allowed: string[] } | null {
  for (const g of groups) {
    const f = facts.get(g);
    const allowed = f?.allowedMethods(path) ?? [];
    if (f && allowed.length > 0) return { protocol: f.protocol, allowed };
  }
  return null;
}
