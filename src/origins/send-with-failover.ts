import type { ServedEntity } from '../endpoints/schema';
import { ApiError } from '../http/api-error';
import { originErrorMessage } from '../protocols/openai/error-body';
import { abortReason, OriginTimeout } from '../proxy/abort-reasons';
import { breakers } from './breaker';
import { originUrl } from './origin-url';
import type { Origin } from './select';

/** Attempts per request at most (the same origin is retried when it is the only one). */
export const MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 50;
const BACKOFF_MAX_MS = 400;

export interface OriginRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
  /** The request's own controller: client gone, or its total timeout. Aborting it ends every attempt. */
  abort: AbortController;
  /** Per attempt: until the response headers and, for streams, the first chunk. */
  firstByteMs: number;
  stream: boolean;
  /** Called when an attempt fails in a way that ejects its origin (for health records). */
  onEjected?: (origin: Origin, detail: string) => void;
}

export interface OriginAnswer {
  origin: Origin;
  response: Response;
  /** Streams: the body's reader and the first chunk, already read. */
  reader?: ReadableStreamDefaultReader<Uint8Array>;
  first?: ReadableStreamReadResult<Uint8Array>;
  /** Ends the origin's outstanding count; call once the exchange is over. */
  done: () => void;
}

type Failure = { kind: 'timeout'; ms: number } | { kind: 'status'; status: number; message: string } | { kind: 'network'; message: string };

/**
 * Sends the request to the candidate origins until one answers. Before anything
 * reaches the client, a refused or reset connection, a 5xx or 429, or no first
 * byte in time moves on to the next origin (cycling when there are fewer than
 * MAX_ATTEMPTS), after a jittered backoff. Each failure feeds the origin's circuit
 * breaker. A 4xx is the client's problem, not the origin's: returned as it is.
 */
export async function sendWithFailover(entity: ServedEntity, candidates: Origin[], req: OriginRequest): Promise<OriginAnswer> {
  let last: Failure | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && candidates.length > 0; attempt++) {
    if (attempt > 0) await backoff(attempt, req.abort.signal);
    throwIfAborted(req.abort.signal);
    const origin = candidates[attempt % candidates.length]!;
    const outcome = await tryOrigin(origin, req);
    if ('answer' in outcome) return outcome.answer;
    last = outcome.failure;
    if (breakers.failed(origin.url)) req.onEjected?.(origin, describe(outcome.failure));
  }
  throwIfAborted(req.abort.signal);
  throw failureError(entity, last);
}

async function tryOrigin(origin: Origin, req: OriginRequest): Promise<{ answer: OriginAnswer } | { failure: Failure }> {
  const attempt = new AbortController();
  const onAbort = () => attempt.abort(req.abort.signal.reason);
  req.abort.signal.addEventListener('abort', onAbort);
  const timer = setTimeout(() => attempt.abort(new OriginTimeout('first_byte', req.firstByteMs)), req.firstByteMs);
  const done = breakers.start(origin.url);
  const finish = () => {
    done();
    req.abort.signal.removeEventListener('abort', onAbort);
  };
  try {
    const response = await fetch(originUrl(origin.url, req.path), {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: attempt.signal,
    });
    if (response.status >= 500 || response.status === 429) {
      const message = originErrorMessage(await response.text().catch(() => ''));
      finish();
      return { failure: { kind: 'status', status: response.status, message } };
    }
    const answer: OriginAnswer = { origin, response, done: finish };
    if (req.stream && response.ok && response.body && isEventStream(response)) {
      answer.reader = response.body.getReader();
      answer.first = await answer.reader.read(); // still under the attempt's first-byte timer
    }
    breakers.succeeded(origin.url);
    return { answer };
  } catch (err) {
    finish();
    if (req.abort.signal.aborted) throw abortReason(req.abort.signal) ?? err;
    const reason = abortReason(attempt.signal);
    if (reason instanceof OriginTimeout) return { failure: { kind: 'timeout', ms: reason.ms } };
    return { failure: { kind: 'network', message: err instanceof Error ? err.message : String(err) } };
  } finally {
    clearTimeout(timer);
  }
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/event-stream');
}

function describe(f: Failure): string {
  if (f.kind === 'timeout') return `no first byte within ${f.ms} ms`;
  if (f.kind === 'status') return `HTTP ${f.status}: ${f.message}`;
  return f.message;
}

function failureError(entity: ServedEntity, last: Failure | null): ApiError {
  if (last?.kind === 'timeout') {
    return new ApiError(504, `The origin of served entity '${entity.name}' did not answer within ${last.ms} ms`, {
      type: 'server_error',
      code: 'origin_timeout',
    });
  }
  if (last?.kind === 'status' && last.status === 429) {
    return new ApiError(429, `The origin is overloaded: ${last.message}`, {
      type: 'rate_limit_error',
      code: 'origin_overloaded',
      headers: { 'retry-after': '1' },
    });
  }
  if (last?.kind === 'status') {
    return new ApiError(502, `The origin answered HTTP ${last.status}: ${last.message}`, { type: 'server_error', code: 'origin_error' });
  }
  return new ApiError(502, `No origin of served entity '${entity.name}' could be reached${last ? ` (${last.message})` : ''}`, {
    type: 'server_error',
    code: 'origin_unreachable',
  });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal) ?? new Error('aborted');
}

/** Jittered exponential backoff, cut short if the request is aborted meanwhile. */
function backoff(attempt: number, signal: AbortSignal): Promise<void> {
  const ms = Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
