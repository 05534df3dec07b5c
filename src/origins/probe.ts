import { isExternal } from '../endpoints/schema';
import { EndpointStore } from '../endpoints/store';
import { recordHealth, type OriginHealth } from './health-store';
import { originUrl } from './origin-url';

export const PROBE_TIMEOUT_MS = 5_000;

/**
 * Active health checks (the Cron Trigger): `GET {origin}/health` on every origin
 * of every serving endpoint (vLLM and TGI both answer 200 there when they can
 * serve), recorded in D1 where every isolate's origin choice reads it.
 */
export async function probeOrigins(db: D1Database, timeoutMs = PROBE_TIMEOUT_MS): Promise<OriginHealth[]> {
  const endpoints = await new EndpointStore(db).list();
  const urls = new Set<string>();
  for (const endpoint of endpoints) {
    if (endpoint.state !== 'ready') continue;
    // Providers of external models are not probed (they have no health route; failures eject them passively).
    for (const entity of endpoint.served_entities) if (!isExternal(entity)) for (const origin of entity.origins) urls.add(origin.url);
  }
  const results = await Promise.all([...urls].map((url) => probeOne(url, timeoutMs)));
  await recordHealth(db, results);
  return results;
}

export async function probeOne(url: string, timeoutMs: number): Promise<OriginHealth> {
  const checked_at = new Date().toISOString();
  try {
    const res = await fetch(originUrl(url, '/health'), { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return { url, healthy: res.ok, checked_at, source: 'probe', detail: res.ok ? '' : `GET /health answered HTTP ${res.status}` };
  } catch (err) {
    const detail = err instanceof Error && err.name === 'TimeoutError' ? `GET /health timed out after ${timeoutMs} ms` : `GET /health failed: ${String(err)}`;
    return { url, healthy: false, checked_at, source: 'probe', detail };
  }
}
