import { routerConfig } from '../config';
import { resolveEndpoint } from '../endpoints/cache';
import type { Endpoint } from '../endpoints/schema';
import { MetricsBatch, type EndpointFlush } from './batch';

const RETRIES = 2;

type WaitUntil = (p: Promise<unknown>) => void;

/** The endpoint's metrics object; named by its creation time too, so a re-created endpoint starts empty. */
export function metricsObject(env: Env, endpoint: Pick<Endpoint, 'name' | 'created_at'>) {
  return env.METRICS.getByName(`${endpoint.name}@${endpoint.created_at}`);
}

export function metricsEnabled(env: Env): boolean {
  return routerConfig(env).metrics.enabled;
}

/**
 * One isolate's recorder: requests are counted into its batch in memory; the first
 * count after a flush schedules the next flush `METRICS_FLUSH_MS` later inside
 * `waitUntil`, so nothing on the response path waits for it.
 */
export class MetricsRecorder {
  batch: MetricsBatch;
  private pending: Promise<void> | null = null;

  constructor(isolateId?: string) {
    this.batch = new MetricsBatch(isolateId);
  }

  /** Call after counting into `batch`: makes sure a flush is on its way. */
  schedule(env: Env, waitUntil: WaitUntil): void {
    if (this.pending) return;
    this.pending = new Promise<void>((resolve) => setTimeout(resolve, routerConfig(env).metrics.flushMs)).then(() => {
      this.pending = null;
      return this.flush(env);
    });
    waitUntil(this.pending);
  }

  /** Sends everything batched so far, one RPC per endpoint. Never throws: what cannot be sent is dropped (and logged). */
  async flush(env: Env): Promise<void> {
    const flushes = this.batch.take();
    await Promise.all(flushes.map((f) => send(env, f)));
  }
}

async function send(env: Env, f: EndpointFlush): Promise<void> {
  // Refusals may name an endpoint that does not exist: those are dropped here, off the request path.
  const endpoint = await resolveEndpoint(env.DB, f.endpoint).catch(() => null);
  if (!endpoint) return;
  for (let attempt = 0; ; attempt++) {
    try {
      // The same flush id on a retry: if the first try did arrive, the object ignores the second.
      await metricsObject(env, endpoint).apply(f.flushId, f.rows);
      return;
    } catch (err) {
      if (attempt >= RETRIES) {
        console.error(
          JSON.stringify({
            msg: 'metrics flush failed',
            endpoint: f.endpoint,
            rows: f.rows.length,
            error: String(err),
          }),
        );
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
}

/** This isolate's recorder. */
export const recorder = new MetricsRecorder();
