import type { ServedEntity } from '../endpoints/schema';
import { ApiError } from '../http/api-error';
import { abortReason, OriginTimeout } from '../proxy/abort-reasons';
import { originOrder, originUrl } from './pool-order';

export interface OriginRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
  /** Aborts the whole exchange (client gone, or a timeout set by the caller). */
  abort: AbortController;
  /** How long to wait for the response headers of one attempt. */
  firstByteMs: number;
}

/**
 * Sends the request to the entity's origins in failover order. An origin that
 * cannot be reached (connection refused or reset before any response) is skipped
 * for the next; nothing has reached the client yet, so the retry is invisible.
 * A response of any status is returned as is: the caller decides what it means.
 */
export async function fetchFromPool(entity: ServedEntity, req: OriginRequest): Promise<Response> {
  const failures: string[] = [];
  for (const origin of originOrder(entity.origins)) {
    if (req.abort.signal.aborted) break;
    const timer = setTimeout(() => req.abort.abort(new OriginTimeout('first_byte', req.firstByteMs)), req.firstByteMs);
    try {
      return await fetch(originUrl(origin.url, req.path), {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        signal: req.abort.signal,
      });
    } catch (err) {
      if (req.abort.signal.aborted) break;
      failures.push(`${new URL(origin.url).host}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }
  const reason = abortReason(req.abort.signal);
  if (reason) throw reason;
  throw new ApiError(502, `No origin of served entity '${entity.name}' could be reached (${failures.join('; ')})`, {
    type: 'server_error',
    code: 'origin_unreachable',
  });
}
