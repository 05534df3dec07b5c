import { EndpointStore } from '../endpoints/store';
import { recordHealth, type OriginHealth } from './health-store';
import { originUrl } from './origin-url';
import { mapBounded } from '../lib/map-bounded';

export const PROBE_TIMEOUT_MS = 5_000;
/** Probes in flight at once (a Worker invocation has a bounded number of open connections). */
export const PROBE_PARALLELISM = 6;

/**
 * Active health checks (the Cron Trigger): `GET {origin}/health` on every origin
 * of every serving endpoint (vLLM and TGI both answer 200 there when they can
 * serve), recorded in D1 where every isolate's origin choice reads it.
 */
export async function probeOrigins(db: D1Database, timeoutMs = PROBE_TIMEOUT_MS): Promise<OriginHealth[]> {
  const urls = await new EndpointStore(db).servingOriginUrls();
  const results = await mapBounded(urls, PROBE_PARALLELISM, (url) => probeOne(url, timeoutMs));
  await recordHealth(db, results);
  return results;
}

export async function probeOne(url: string, timeoutMs: number): Promise<OriginHealth> {
  const checked_at = new Date().toISOString();
  try {
    // A redirect is not followed (it could lead anywhere, even to a healthy other server): it is the probe's answer,
    // and not a 2xx, so the origin is unhealthy.
    const res = await fetch(originUrl(url, '/health'), { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel();
    return {
      url,
      healthy: res.ok,
      checked_at,
      source: 'probe',
      detail: res.ok ? '' : `GET /health answered HTTP ${res.status}`,
    };
  } catch (err) {
    const detail =
      err instanceof Error && err.name === 'TimeoutError'
        ? `GET /health timed out after ${timeoutMs} ms`
        : `GET /health failed: ${String(err)}`;
    return { url, healthy: false, checked_at, source: 'probe', detail };
  }
}
