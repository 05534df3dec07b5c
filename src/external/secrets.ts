import { routerConfig } from '../config';

/**
 * Secret references (`{{secrets/NAME}}`) name Worker secrets: `wrangler secret put
 * NAME` in production, a line of `.dev.vars` locally. Only the reference is ever
 * stored or shown; the value is read from the environment when a request needs it.
 *
 * Which secrets external models may use is the operator's choice, in the
 * `EXTERNAL_SECRETS` var: a comma-separated list of names, each optionally limited
 * to one tenant (`NAME:tenant`). Without the list no secret may be used, so an
 * endpoint cannot send one of the router's own secrets (ADMIN_TOKEN) to an API
 * base of its choosing.
 */
export function secretName(reference: string): string {
  return reference.slice('{{secrets/'.length, -'}}'.length);
}

/** May endpoints of this tenant use the secret? */
export function secretGranted(env: Env, name: string, tenantId: string): boolean {
  return routerConfig(env).externalSecrets.some((s) => s.name === name && (s.tenant === null || s.tenant === tenantId));
}

/** The secret's value, or null when it is not set (or empty). */
export function secretValue(env: Env, name: string): string | null {
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : null;
}
