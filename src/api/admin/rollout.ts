import { externalProblem } from '../../external/provider';
import { PROBE_PARALLELISM, probeOne } from '../../origins/probe';
import { mapBounded } from '../../lib/map-bounded';
import { isExternal, type EndpointConfig } from '../../endpoints/schema';
import { EndpointStore, type EndpointRef } from '../../endpoints/store';
import { redactText, redactUrl } from '../../endpoints/redact';

export const ROLLOUT_ATTEMPTS = 5;
export const ROLLOUT_RETRY_MS = 1_000;
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Is a config version ready to serve? Every served entity with traffic needs at
 * least one origin that answers its health probe, or for an external model its
 * secret (providers are not probed). Returns what is wrong, or null: stored as the
 * endpoint's `config_update_error`, so origin URLs in it are redacted here, at the source.
 */
export async function readiness(config: EndpointConfig, env: Env, tenantId: string): Promise<string | null> {
  const live = config.served_entities.filter((e) =>
    config.traffic.some((t) => t.served_entity === e.name && t.percentage > 0),
  );
  const problems = await Promise.all(
    live.map(async (entity) => {
      if (isExternal(entity)) return externalProblem(entity, env, tenantId);
      const results = await mapBounded(entity.origins, PROBE_PARALLELISM, (o) => probeOne(o.url, PROBE_TIMEOUT_MS));
      return results.some((r) => r.healthy)
        ? null
        : `no healthy origin for served entity '${entity.name}': ${results.map((r) => `${redactUrl(r.url)} ${redactText(r.detail)}`).join('; ')}`;
    }),
  );
  const failing = problems.filter((p): p is string => p !== null);
  return failing.length ? failing.join(' | ') : null;
}

/**
 * Rolls a pending version out: probes it (first attempt inline, so an update to
 * healthy origins switches before the API answers), retries in the background,
 * then switches atomically or records why it failed. The serving version keeps
 * serving throughout. Returns true if it switched during the first attempt.
 */
export async function rollOut(
  env: Env,
  tenantId: string,
  endpoint: EndpointRef,
  version: number,
  config: EndpointConfig,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<boolean> {
  const store = new EndpointStore(env.DB);
  const first = await readiness(config, env, tenantId);
  // Written by the endpoint's id: a retry that outlives it never touches one created since under its name.
  if (first === null) return store.activate(endpoint.id, version, new Date().toISOString());
  waitUntil(
    (async () => {
      let problem: string | null = first;
      for (let attempt = 1; attempt < ROLLOUT_ATTEMPTS && problem !== null; attempt++) {
        await new Promise((r) => setTimeout(r, ROLLOUT_RETRY_MS));
        problem = await readiness(config, env, tenantId);
      }
      const now = new Date().toISOString();
      if (problem === null) await store.activate(endpoint.id, version, now);
      else
        await store.failRollout(endpoint.id, version, `Config version ${version} never became ready: ${problem}`, now);
    })().catch((err: unknown) =>
      console.error(JSON.stringify({ msg: 'rollout failed', endpoint: endpoint.name, version, error: String(err) })),
    ),
  );
  return false;
}
