import { originModelOf, type ServedEntity } from '../endpoints/schema';
import { ApiError, errors } from '../http/errors';
import { originErrorMessage } from '../protocols/openai/error-body';
import { abortReason, OriginTimeout } from './abort-reasons';
import { nextRequestToken, outliers, type AttemptVerdicts } from '../origins/outlier-detector';
import type { OriginFailureMapper } from '../protocols/exchange';
import { entityPool } from '../origins/entity-origins';
import { originUrl } from '../origins/origin-url';
import type { Origin } from '../origins/select';

/** Attempts per request at most: one per origin; a pool of one origin retries connection failures only. */
export const MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 50;
const BACKOFF_MAX_MS = 400;

export interface OriginRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
  /** The request's own controller: client gone, or its total timeout. Aborting it ends every attempt. */
  abort: AbortController;
  /**
   * Per attempt: until the response headers and, for streams, the first chunk. null: no
   * per-attempt deadline (the request's own total timeout, in `abort`, bounds the wait).
   */
  firstByteMs: number | null;
  stream: boolean;
  /**
   * The model id the body sends the origin, under which the attempts' verdicts are kept (a LoRA adapter's
   * failures are its own, not its base model's); the entity's origin model by default.
   */
  model?: string;
  /** The last failed attempt's answer in the client's terms (providers), instead of the generic 502/429. */
  mapFailure?: OriginFailureMapper;
  /**
   * Cuts the request's credentials (a provider's key) out of a text the origin sent: applied to every
   * failure's body and message here, before the ejection log, `mapFailure` or the client's answer reads them.
   */
  redact?: (text: string) => string;
  /** Called when an attempt's failure ejects its origin in this isolate (for the log). */
  onEjected?: (origin: Origin, detail: string) => void;
  /** Called after each attempt: did the origin answer (`ok`), and did its failure eject it? (metrics) */
  onAttempt?: (origin: Origin, ok: boolean, ejected: boolean) => void;
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

type Failure =
  | { kind: 'timeout'; ms: number }
  | { kind: 'status'; status: number; message: string; body: string; headers: Headers }
  | { kind: 'connect'; message: string }
  | { kind: 'broken'; message: string };

/**
 * Sends the request to the candidate origins until one answers, at most one
 * attempt per origin. Before anything reaches the client, a refused or reset
 * connection, a 5xx or 429, or no first byte in time moves on to the next
 * candidate after a jittered backoff; with a single candidate only a connection
 * failure (refused, reset before any byte) is retried — a 500 is an answer, and
 * repeating it costs the origin without helping the client. A 5xx counts against its
 * origin only once a later attempt shows the request was fine (another origin answers,
 * or fails otherwise): the same 5xx from every origin tried is the request's own
 * failure (its content), and counts against none. Each attempt settles
 * the origin's outlier scopes exactly once (see outlier-detector.ts); a 4xx is the
 * client's problem, returned as it is. Nothing is tried once the client has gone.
 */
export async function sendWithFailover(
  entity: ServedEntity,
  candidates: Origin[],
  req: OriginRequest,
): Promise<OriginAnswer> {
  const request = nextRequestToken();
  const pool = entityPool(entity);
  outliers.notePool(pool);
  const attempts = candidates.length === 1 ? MAX_ATTEMPTS : Math.min(MAX_ATTEMPTS, candidates.length);
  let last: Failure | null = null;
  // 5xx answers whose verdicts wait for a later attempt's result: a run of the same status from one origin after
  // another (see below).
  let held: Array<{ origin: Origin; status: number; failure: Failure; verdict: AttemptVerdicts }> = [];
  /** Settles the held 5xx answers: as their origins' failures, or as the request's own (no verdict). */
  const settleHeld = (failed: boolean) => {
    const settling = held;
    held = [];
    for (const { origin, failure, verdict } of settling) {
      const ejected = failed ? verdict.failed('model', pool) : (verdict.abandoned(), false);
      req.onAttempt?.(origin, false, ejected);
      if (ejected) req.onEjected?.(origin, describe(failure));
    }
  };
  try {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const origin = candidates.length === 1 ? candidates[0] : candidates[attempt];
      if (!origin) break;
      if (attempt > 0) await backoff(attempt, req.abort.signal);
      throwIfAborted(req.abort.signal);
      const outcome = await tryOrigin(origin, req.model ?? originModelOf(entity), request, pool, req);
      if ('answer' in outcome) {
        // The request was fine: the 5xx answers before it were their origins'.
        settleHeld(true);
        req.onAttempt?.(origin, true, false);
        return outcome.answer;
      }
      const failure = outcome.failure;
      last = failure;
      if (outcome.pending) {
        const status = failure.kind === 'status' ? failure.status : 0;
        // Another status than the run held: the run was its origins' failure, not the request's.
        if (held.length && held[held.length - 1]!.status !== status) settleHeld(true);
        held.push({ origin, status, failure, verdict: outcome.pending });
        // Another origin will be tried: its result tells whose this 5xx was.
        if (attempt + 1 < attempts && candidates.length > 1) continue;
        // No origin left to ask. The same 5xx from every origin asked (llama.cpp answers an oversized embeddings
        // input with a 500 on every server): the request's content is the problem, and no origin counts it. A
        // single origin's 5xx cannot be told apart from the request's: it counts, as any failure.
        settleHeld(held.length === 1);
        if (candidates.length === 1) break;
        continue;
      }
      // A timeout or a broken connection: its own verdict is settled. A run of the same 5xx before it stays
      // unexplained and counts against none; a single 5xx counts.
      settleHeld(held.length === 1);
      req.onAttempt?.(origin, false, outcome.ejected);
      if (outcome.ejected) req.onEjected?.(origin, describe(failure));
      if (candidates.length === 1 && last.kind !== 'connect') break;
    }
  } finally {
    // Left with held 5xx answers (the client left meanwhile, or its total timeout fired): nothing tells whose.
    settleHeld(false);
  }
  throwIfAborted(req.abort.signal);
  if (last?.kind === 'status' && req.mapFailure) throw req.mapFailure(last.status, last.body, last.headers);
  throw failureError(entity, last);
}

/**
 * `pending`: a 5xx whose verdict is not settled yet (the caller settles it: `failed` or `abandoned`); `ejected`
 * is then false.
 */
type Attempt = { answer: OriginAnswer } | { failure: Failure; ejected: boolean; pending?: AttemptVerdicts };

async function tryOrigin(
  origin: Origin,
  model: string,
  request: number,
  pool: string[],
  req: OriginRequest,
): Promise<Attempt> {
  // An attempt with a deadline of its own gets its own controller, which the request's aborts reach too.
  const firstByteMs = req.firstByteMs;
  const attempt = firstByteMs === null ? null : new AbortController();
  const onAbort = () => attempt?.abort(req.abort.signal.reason);
  if (attempt) req.abort.signal.addEventListener('abort', onAbort);
  const timer =
    attempt && firstByteMs !== null
      ? setTimeout(() => attempt.abort(new OriginTimeout('first_byte', firstByteMs)), firstByteMs)
      : undefined;
  const signal = attempt?.signal ?? req.abort.signal;
  const redact = req.redact ?? unchanged;
  const verdict = outliers.start(origin.url, model, request);
  const finish = () => {
    verdict.end();
    if (attempt) req.abort.signal.removeEventListener('abort', onAbort);
  };
  let response: Response | null = null;
  try {
    response = await fetch(originUrl(origin.url, req.path), {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal,
    });
    if (response.status >= 500 || response.status === 429) {
      const body = redact(await response.text().catch(() => ''));
      finish();
      const failure: Failure = {
        kind: 'status',
        status: response.status,
        message: originErrorMessage(body),
        body,
        headers: response.headers,
      };
      // A 429 says the server is busy, not broken: it is tried elsewhere but counts against nothing.
      if (response.status === 429) {
        verdict.abandoned();
        return { failure, ejected: false };
      }
      return { failure, ejected: false, pending: verdict };
    }
    const answer: OriginAnswer = { origin, response, done: finish };
    if (req.stream && response.ok && response.body && isEventStream(response)) {
      answer.reader = response.body.getReader();
      answer.first = await answer.reader.read(); // still under the attempt's first-byte timer
      // On a busy thread the timer can fire while the first event is already on its way in: the abort has cut the
      // stream then, whatever this read returned. A first-byte timeout, as it would have been a moment earlier.
      if (attempt?.signal.aborted) throw attempt.signal.reason;
    }
    verdict.succeeded();
    return { answer };
  } catch (err) {
    finish();
    if (req.abort.signal.aborted) {
      // The client left, or the request's own total timeout fired: no verdict on the origin.
      verdict.abandoned();
      throw abortReason(req.abort.signal) ?? err;
    }
    return settleFailure(verdict, classify(err, signal, response !== null, redact), pool, firstByteMs ?? Infinity);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

function classify(err: unknown, signal: AbortSignal, answered: boolean, redact: (text: string) => string): Failure {
  const reason = abortReason(signal);
  if (reason instanceof OriginTimeout) return { kind: 'timeout', ms: reason.ms };
  const message = redact(err instanceof Error ? err.message : String(err));
  return answered ? { kind: 'broken', message } : { kind: 'connect', message };
}

function settleFailure(verdict: AttemptVerdicts, failure: Failure, pool: string[], firstByteMs: number): Attempt {
  if (failure.kind === 'connect') return { failure, ejected: verdict.failed('connect', pool) };
  // A first-byte timeout counts only past the operator's OUTLIER_FIRST_BYTE_MS: the endpoint's own first_byte_ms is
  // its owner's choice (a long prefill may need more), and must not decide whether an origin others share is ejected.
  if (failure.kind === 'timeout' && firstByteMs < outliers.config.firstByteMs) {
    verdict.abandoned();
    return { failure, ejected: false };
  }
  return { failure, ejected: verdict.failed('model', pool) };
}

function unchanged(text: string): string {
  return text;
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/event-stream');
}

function describe(f: Failure): string {
  if (f.kind === 'timeout') return `no first byte within ${f.ms} ms`;
  if (f.kind === 'status') return `HTTP ${f.status}: ${f.message}`;
  if (f.kind === 'broken') return `stream failed before its first event: ${f.message}`;
  return f.message;
}

function failureError(entity: ServedEntity, last: Failure | null): ApiError {
  if (last?.kind === 'timeout') {
    return errors.originTimeout(entity.name, last.ms);
  }
  if (last?.kind === 'status' && last.status === 429) {
    return errors.originOverloaded(last.message);
  }
  if (last?.kind === 'status') {
    return errors.originStatus(last.status, last.message);
  }
  if (last?.kind === 'broken') {
    return errors.originBrokeEarly(entity.name, last.message);
  }
  return errors.originUnreachable(entity.name, last?.message);
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
