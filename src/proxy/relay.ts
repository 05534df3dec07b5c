import type { Context } from 'hono';
import { originModelOf, type Endpoint, type ServedEntity } from '../endpoints/schema';
import type { InferenceEnv } from '../auth/inference-env';
import { routerConfig } from '../config';
import { admit } from '../gate/admit';
import { LEASE_TTL_MS, UPKEEP_AFTER_MS, type Lease } from '../gate/lease';
import { ApiError, errors } from '../http/errors';
import { renderError } from '../http/error-renderers';
import { candidateOrigins } from '../origins/candidates';
import { outlierConfig } from '../origins/outlier-config';
import { outliers } from '../origins/outlier-detector';
import { loggableOriginUrl } from '../origins/origin-url';
import type { Origin } from '../origins/select';
import { sendWithFailover, type OriginAnswer } from './send-with-failover';
import { GapTimer } from '../metrics/gap-timer';
import { recordAttempt, recordRequest } from '../metrics/hooks';
import type { TokenCounts } from '../protocols/shared/stream-codec';
import type { StreamScanner } from '../protocols/shared/stream-scanner';
import type { OriginExchange } from '../protocols/exchange';
import { ClientGone, KeyRevoked, OriginTimeout } from './abort-reasons';
import type { ExchangeGuard } from './exchange-guard';
import { originFailure } from './origin-failure';
import { passThrough } from './pass-through';
import { pump, type Outcome } from './pump';
import { requestClock } from './request-clock';
import { logRequest } from '../metrics/request-log';
import { effectiveTimeouts, type EffectiveTimeouts } from './timeouts';
import { ERROR_EVENT_GRACE_MS, keepAlive, STATUS_HOLD_MS } from './keep-alive';

export interface RelayInput {
  endpoint: Endpoint;
  entity: ServedEntity;
  stream: boolean;
  exchange: OriginExchange;
  /** The endpoint's guardrails for this request, if it has any (src/guardrails). */
  guard?: ExchangeGuard;
}

/**
 * The model id the origin is sent (the body's `model`): a TGI client's LoRA `adapter_id` on an OpenAI origin, say,
 * rather than the entity's base model. Outlier verdicts are kept under it, so a failing adapter ejects only itself.
 */
function sentModel(input: RelayInput): string {
  const model = (input.exchange.body as { model?: unknown } | null)?.model;
  return typeof model === 'string' ? model : originModelOf(input.entity);
}

interface Admitted extends RelayInput {
  lease: Lease;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/**
 * Sends an admitted request to the served entity's origins and relays the answer.
 * The lease is released exactly once on every way out (completion, origin error,
 * timeout, client disconnect), inside `waitUntil` so that the release reaches the
 * gate even after the answer has gone out (or the client has).
 */
export async function relay(c: Context<InferenceEnv>, request: RelayInput): Promise<Response> {
  const affinityKey = c.req.header('x-session-id') ?? sessionUser(request.exchange.body);
  const candidates = await candidateOrigins(
    c.env.DB,
    request.endpoint,
    request.entity,
    affinityKey,
    sentModel(request),
  );
  const lease = await admit(c.env, c.get('apiKey'), request.endpoint, request.exchange, (p) =>
    c.executionCtx.waitUntil(p),
  );
  return run(c, { ...request, lease }, candidates);
}

async function run(c: Context<InferenceEnv>, input: Admitted, candidates: Origin[]): Promise<Response> {
  const started = Date.now();
  outliers.config = outlierConfig(c.env);
  const timeouts = effectiveTimeouts(input.endpoint.timeouts);
  const abort = new AbortController();
  const clientSignal = c.req.raw.signal;
  const onClientGone = () => abort.abort(new ClientGone());
  if (clientSignal?.aborted) onClientGone();
  clientSignal?.addEventListener('abort', onClientGone);

  let ttfb: number | null = null;
  let originDone = noop;
  let attempts = 0;
  const gaps = input.stream ? new GapTimer() : undefined;
  const finish = (status: number, outcome: Outcome, usage: TokenCounts, releaseNow = false) => {
    clientSignal?.removeEventListener('abort', onClientGone);
    originDone();
    const line = {
      request_id: c.get('requestId'),
      key_id: c.get('apiKey').id,
      endpoint: input.endpoint.name,
      served_entity: input.entity.name,
      stream: input.stream,
      status,
      outcome,
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      ttfb_ms: ttfb,
      duration_ms: Date.now() - started,
    };
    logRequest(line, routerConfig(c.env).requestLog);
    recordRequest(c, line, { admissionMs: input.lease.admissionMs, gaps, attempts });
    return input.lease.release({ endpoint: input.endpoint.name, outcome, ...usage }, releaseNow);
  };

  // One timer: a request still running after UPKEEP_AFTER_MS has its lease renewed and watched (revoking the key
  // then ends it wherever it runs: the gate knows its leases); the total timeout ends the whole request, streams
  // included.
  const clock = requestClock(
    UPKEEP_AFTER_MS,
    () =>
      input.lease.hold(
        (p) => c.executionCtx.waitUntil(p),
        timeouts.totalMs + LEASE_TTL_MS / 3,
        () => abort.abort(new KeyRevoked()),
      ),
    timeouts.totalMs,
    () => abort.abort(new OriginTimeout('total', timeouts.totalMs)),
  );
  const finishOnce = once((status: number, outcome: Outcome, usage: TokenCounts, releaseNow?: boolean) => {
    clock.stop();
    return finish(status, outcome, usage, releaseNow);
  });
  // The input guardrail decides before anything is sent to the origin.
  const checked = input.guard?.checkInput(abort.signal);
  const answering = (async (): Promise<OriginAnswer> => {
    if (checked) await checked;
    const answer = await sendWithFailover(input.entity, candidates, {
      path: input.exchange.path,
      body: JSON.stringify(input.exchange.body),
      headers: {
        'content-type': 'application/json',
        accept: input.stream ? 'text/event-stream' : 'application/json',
        'x-request-id': c.get('requestId'),
        ...input.exchange.headers,
      },
      mapFailure: input.exchange.failure,
      redact: input.exchange.redact,
      abort,
      // Streams: until the first event, per attempt (then the next origin is tried). Non-streaming requests wait
      // for their whole answer: only the request's own total timeout ends them, which counts against no origin.
      firstByteMs: input.stream ? timeouts.firstByteMs : null,
      stream: input.stream,
      model: sentModel(input),
      onEjected: (origin, detail) => logEjection(c.get('requestId'), origin.url, sentModel(input), detail),
      onAttempt: (origin, ok, ejected) => {
        attempts++;
        recordAttempt(c, input.endpoint.name, input.entity.name, origin.url, ok, ejected);
      },
    });
    originDone = answer.done;
    ttfb = Date.now() - started;
    if (!answer.response.ok) {
      const model = sentModel(input);
      throw await originFailure(
        answer.response,
        { endpoint: input.endpoint.name, model, originUrl: answer.origin.url, client: input.exchange.client },
        input.exchange.failure,
      );
    }
    return answer;
  })();
  const failed = async (err: unknown): Promise<never> => {
    if (!abort.signal.aborted) abort.abort(err);
    // A revocation aborts whatever step was running (the fetch, or reading its body): that is the cause.
    const apiError = toApiError(abort.signal.reason instanceof KeyRevoked ? abort.signal.reason : err, input.entity);
    // An error answer waits for the release, so the slot is free when the client sees it (the rare path).
    await finishOnce(apiError.status, err instanceof ClientGone ? 'aborted' : 'failed', NO_USAGE, true);
    throw apiError;
  };
  answering.catch(noop); // awaited below, unless the input check failed first
  /** The release of a non-streaming answer: it goes out without waiting for it (src/gate/release-batch.ts). */
  let released: Promise<void> | undefined;
  const work = (async (): Promise<Response> => {
    try {
      if (checked) await checked; // a refused prompt is a plain error response, before any stream starts
      // A stream's status is held for STATUS_HOLD_MS at most; past it the stream starts with keep-alives.
      const answer = input.stream ? await within(answering, STATUS_HOLD_MS) : await answering;
      if (answer === HELD_TOO_LONG)
        return committedStream(c, input, answering, abort, timeouts, started, finishOnce, gaps);
      if (answer.reader && answer.first) {
        // A stream the client gets as the origin sent it (and no output guardrail to look into it): the native pipe.
        const scanner = input.guard ? undefined : input.exchange.passthrough?.();
        if (scanner) return passThroughStream(c, input, answer, scanner, abort, timeouts, started, finishOnce);
        return startStream(c, input, answer.reader, answer.first, abort, timeouts, started, finishOnce, gaps);
      }
      const text = await answer.response.text();
      // Nothing to look into (no output guardrail): the origin's text, with its model id replaced, when the pair can.
      let answered = input.guard ? undefined : input.exchange.translateText?.(text);
      if (!answered) {
        const { body, usage } = input.exchange.translate(JSON.parse(text), answer.response.headers);
        const withheld = (await input.guard?.checkAnswer(body, abort.signal)) ?? null;
        if (withheld) {
          await finishOnce(withheld.status, 'completed', usage, true);
          return renderError(input.guard?.errorProtocol ?? 'openai', withheld);
        }
        answered = { body: JSON.stringify(body), usage };
      }
      // The answer does not wait for the release: it goes with this isolate's next admission for the key, or
      // within a few ms (src/gate/release-batch.ts).
      released = finishOnce(200, 'completed', answered.usage);
      return new Response(answered.body, { headers: { ...JSON_TYPE, ...routingHeaders(input, ttfb) } });
    } catch (err) {
      return failed(err);
    }
  })();
  // One waitUntil: the work (which ends with the release on every error path), then the release of an answer that
  // did not wait for it.
  c.executionCtx.waitUntil(work.then(() => released, noop));
  return work;
}

type Finish = (status: number, outcome: Outcome, usage: TokenCounts) => Promise<void>;
const NO_USAGE: TokenCounts = { promptTokens: 0, completionTokens: 0 };

function startStream(
  c: Context<InferenceEnv>,
  input: Admitted,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: ReadableStreamReadResult<Uint8Array>,
  abort: AbortController,
  timeouts: EffectiveTimeouts,
  started: number,
  finish: Finish,
  gaps?: GapTimer,
): Response {
  const codec = input.exchange.codec();
  const { readable, writable } = responseStream();
  const done = pump(reader, first, writable.getWriter(), codec, pumpOptions(abort, timeouts, gaps)).then((outcome) =>
    finish(200, outcome, codec.usage),
  );
  c.executionCtx.waitUntil(done);
  return new Response(guarded(input, readable, abort), {
    headers: { ...SSE_HEADERS, ...routingHeaders(input, Date.now() - started) },
  });
}

/**
 * A stream that passes through unchanged: the origin's bytes go to the client on the
 * native pipe while a scanner reads a copy in batches (src/proxy/pass-through.ts). Its
 * events are not timed one by one, so it adds nothing to the gap metric.
 */
function passThroughStream(
  c: Context<InferenceEnv>,
  input: Admitted,
  answer: OriginAnswer,
  scanner: StreamScanner,
  abort: AbortController,
  timeouts: EffectiveTimeouts,
  started: number,
  finish: Finish,
): Response {
  answer.reader?.releaseLock();
  const { readable, writable } = responseStream();
  const body = answer.response.body as ReadableStream<Uint8Array>;
  const done = passThrough(body, answer.first?.value, writable, scanner, { idleMs: timeouts.idleMs, abort }).then(
    (outcome) => finish(200, outcome, scanner.usage),
  );
  c.executionCtx.waitUntil(done);
  return new Response(readable, { headers: { ...SSE_HEADERS, ...routingHeaders(input, Date.now() - started) } });
}

/**
 * The origin has not sent a first event within STATUS_HOLD_MS: answer 200 now and
 * send keep-alive comments while the wait (and any failover) goes on, so a client
 * that leaves is noticed at the next write — its origin attempt is aborted and no
 * other origin is tried. What comes later is relayed in the stream: the events, or
 * the failure as an error event in the client's protocol.
 */
function committedStream(
  c: Context<InferenceEnv>,
  input: Admitted,
  answering: Promise<OriginAnswer>,
  abort: AbortController,
  timeouts: EffectiveTimeouts,
  started: number,
  finish: Finish,
  gaps?: GapTimer,
): Response {
  const codec = input.exchange.codec();
  const { readable, writable } = responseStream();
  const writer = writable.getWriter();
  writer.closed.catch(() => abort.abort(new ClientGone()));
  const alive = keepAlive(writer);
  const done = (async () => {
    let answer: OriginAnswer;
    try {
      answer = await answering;
    } catch (err) {
      alive.stop();
      if (!abort.signal.aborted) abort.abort(err);
      const gone = err instanceof ClientGone;
      if (!gone) {
        const apiError = toApiError(err, input.entity);
        const frame = codec.fail(apiError.message, apiError.code ?? 'origin_error');
        await Promise.race([writer.write(new TextEncoder().encode(frame)).catch(noop), sleep(ERROR_EVENT_GRACE_MS)]);
      }
      writer.close().catch(noop);
      return finish(200, gone ? 'aborted' : 'failed', NO_USAGE);
    }
    alive.stop();
    if (!answer.reader || !answer.first) {
      // An answer that is not an event stream (a 200 JSON to a streaming request): nothing to relay.
      await answer.response.body?.cancel().catch(noop);
      const frame = codec.fail('The origin answered a streaming request without an event stream', 'origin_error');
      await Promise.race([writer.write(new TextEncoder().encode(frame)).catch(noop), sleep(ERROR_EVENT_GRACE_MS)]);
      writer.close().catch(noop);
      return finish(200, 'failed', NO_USAGE);
    }
    const outcome = await pump(answer.reader, answer.first, writer, codec, pumpOptions(abort, timeouts, gaps));
    return finish(200, outcome, codec.usage);
  })();
  c.executionCtx.waitUntil(done);
  return new Response(guarded(input, readable, abort), { headers: { ...SSE_HEADERS, ...routingHeaders(input, null) } });
}

/**
 * The client's side of a stream: workerd's native byte pipe (IdentityTransformStream), which
 * the runtime sends from without running JavaScript per chunk, unlike a JS TransformStream.
 * A write resolves once the client side has taken its chunk; the pump queues chunks while
 * the pipe's `desiredSize` shows room (up to 64 KiB unread) and waits only beyond it, so a
 * client that stops reading holds the origin back (and the total timeout bounds the wait).
 */
function responseStream(): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
  return new IdentityTransformStream({ highWaterMark: RESPONSE_BUFFER_BYTES }) as unknown as {
    readable: ReadableStream<Uint8Array>;
    writable: WritableStream<Uint8Array>;
  };
}

const RESPONSE_BUFFER_BYTES = 64 * 1024;

function pumpOptions(abort: AbortController, timeouts: EffectiveTimeouts, gaps?: GapTimer) {
  return {
    idleMs: timeouts.idleMs,
    abort,
    onChunk: gaps && ((now: number) => gaps.tick(now)),
  };
}

const HELD_TOO_LONG = Symbol('held too long');

/** The promise's value if it settles within `ms`, else HELD_TOO_LONG (the promise runs on). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof HELD_TOO_LONG> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const held = new Promise<typeof HELD_TOO_LONG>((resolve) => {
    timer = setTimeout(() => resolve(HELD_TOO_LONG), ms);
  });
  try {
    return await Promise.race([promise, held]);
  } finally {
    clearTimeout(timer);
  }
}

function once<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let result: Promise<void> | null = null;
  return (...args) => (result ??= fn(...args));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A stream, through the output guardrail when the endpoint has one. */
function guarded(
  input: Admitted,
  body: ReadableStream<Uint8Array>,
  abort: AbortController,
): ReadableStream<Uint8Array> {
  return input.guard ? input.guard.stream(body, abort) : body;
}

/**
 * Which served entity answered, and Server-Timing for admission (`gate`), the
 * origin's first byte (`origin`) and guard checks (`guard-input`, `guard-output`);
 * with guardrails, what they flagged; with a token budget, OpenAI's `x-ratelimit-*-tokens`.
 */
function routingHeaders(input: Admitted, originMs: number | null): Record<string, string> {
  const timing = [
    `gate;dur=${input.lease.admissionMs.toFixed(2)}`,
    `origin;dur=${originMs ?? 0}`,
    ...(input.guard?.serverTiming() ?? []),
  ];
  return {
    'x-served-entity': input.entity.name,
    'server-timing': timing.join(', '),
    ...input.lease.budgetHeaders(),
    ...input.guard?.headers(),
  };
}

function toApiError(err: unknown, entity: ServedEntity): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof OriginTimeout) {
    return errors.originTimeout(entity.name, err.ms);
  }
  if (err instanceof ClientGone) return errors.clientClosed();
  if (err instanceof KeyRevoked) return errors.invalidKey();
  return errors.originFailed(entity.name, err instanceof Error ? err.message : String(err));
}

/** The OpenAI `user` field, when the client sent one: a session key for origin affinity. */
function sessionUser(body: unknown): string | undefined {
  const user = (body as { user?: unknown } | null)?.user;
  return typeof user === 'string' && user !== '' ? user : undefined;
}

/** An (origin, model) or an origin was ejected in this isolate: one log line (ids and the failure, no content). */
function logEjection(requestId: string, url: string, model: string, detail: string): void {
  const until = outliers.ejectedUntil(url, model);
  console.warn(
    JSON.stringify({
      msg: 'origin ejected',
      request_id: requestId,
      origin: loggableOriginUrl(url),
      model,
      until: new Date(until).toISOString(),
      detail: detail.slice(0, 300),
    }),
  );
}

function noop(): void {}
