import type { Context } from 'hono';
import type { Endpoint, ServedEntity } from '../endpoints/schema';
import type { AppEnv } from '../env';
import { admit, LEASE_TTL_MS, type Lease } from '../gate/lease';
import { ApiError } from '../http/api-error';
import { candidateOrigins, recordEjection } from '../origins/candidates';
import type { Origin } from '../origins/select';
import { sendWithFailover } from '../origins/send-with-failover';
import type { TokenCounts } from '../protocols/stream-codec';
import type { OriginExchange } from './exchange';
import { ClientGone, OriginTimeout } from './abort-reasons';
import { originFailure } from './origin-failure';
import { pump, type Outcome } from './pump';
import { logRequest } from './request-log';
import { effectiveTimeouts } from './timeouts';

export interface RelayInput {
  endpoint: Endpoint;
  entity: ServedEntity;
  stream: boolean;
  exchange: OriginExchange;
}

interface Admitted extends RelayInput {
  lease: Lease;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/**
 * Sends an admitted request to the served entity's origins and relays the answer.
 * The lease is released exactly once on every way out (completion, origin error,
 * timeout, client disconnect), inside `waitUntil` so that the release RPC runs
 * even after the client has gone.
 */
export async function relay(c: Context<AppEnv>, request: RelayInput): Promise<Response> {
  const affinityKey = c.req.header('x-session-id') ?? sessionUser(request.exchange.body);
  const candidates = await candidateOrigins(c.env.DB, request.endpoint, request.entity, affinityKey);
  const lease = await admit(c.env, c.var.apiKey, request.endpoint);
  return run(c, { ...request, lease }, candidates);
}

async function run(c: Context<AppEnv>, input: Admitted, candidates: Origin[]): Promise<Response> {
  const started = Date.now();
  const timeouts = effectiveTimeouts(input.endpoint.timeouts);
  const abort = new AbortController();
  const clientSignal = c.req.raw.signal;
  const onClientGone = () => abort.abort(new ClientGone());
  if (clientSignal?.aborted) onClientGone();
  clientSignal?.addEventListener('abort', onClientGone);

  let ttfb: number | null = null;
  let originDone = noop;
  const finish = (status: number, outcome: Outcome, usage: TokenCounts) => {
    clientSignal?.removeEventListener('abort', onClientGone);
    originDone();
    logRequest({
      request_id: c.var.requestId, key_id: c.var.apiKey.id, endpoint: input.endpoint.name,
      served_entity: input.entity.name, stream: input.stream, status, outcome,
      prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens,
      ttfb_ms: ttfb, duration_ms: Date.now() - started,
    });
    return input.lease.release({ endpoint: input.endpoint.name, outcome, ...usage });
  };

  input.lease.keepAlive((p) => c.executionCtx.waitUntil(p), timeouts.totalMs + LEASE_TTL_MS / 3);
  const work = (async (): Promise<Response> => {
    const totalTimer = input.stream
      ? undefined
      : setTimeout(() => abort.abort(new OriginTimeout('total', timeouts.totalMs)), timeouts.totalMs);
    try {
      const answer = await sendWithFailover(input.entity, candidates, {
        path: input.exchange.path,
        body: JSON.stringify(input.exchange.body),
        headers: { 'content-type': 'application/json', accept: input.stream ? 'text/event-stream' : 'application/json', 'x-request-id': c.var.requestId },
        abort,
        // Streams hold their status until the first event, so a stall before it is still a clean 504 (or a failover).
        firstByteMs: input.stream ? timeouts.firstByteMs : timeouts.totalMs,
        stream: input.stream,
        onEjected: (origin, detail) => c.executionCtx.waitUntil(recordEjection(c.env.DB, origin.url, detail)),
      });
      originDone = answer.done;
      ttfb = Date.now() - started;
      const response = answer.response;
      if (!response.ok) throw await originFailure(response);
      if (answer.reader && answer.first) return startStream(c, input, answer.reader, answer.first, abort, timeouts, started, finish);
      const { body, usage } = input.exchange.translate(await response.json(), response.headers);
      await finish(200, 'completed', usage);
      return Response.json(body, { headers: routingHeaders(input, ttfb) });
    } catch (err) {
      if (!abort.signal.aborted) abort.abort(err);
      const apiError = toApiError(err, input.entity);
      await finish(apiError.status, err instanceof ClientGone ? 'aborted' : 'failed', { promptTokens: 0, completionTokens: 0 });
      throw apiError;
    } finally {
      if (totalTimer !== undefined) clearTimeout(totalTimer);
    }
  })();
  c.executionCtx.waitUntil(work.then(noop, noop));
  return work;
}

function startStream(
  c: Context<AppEnv>,
  input: Admitted,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: ReadableStreamReadResult<Uint8Array>,
  abort: AbortController,
  timeouts: ReturnType<typeof effectiveTimeouts>,
  started: number,
  finish: (status: number, outcome: Outcome, usage: TokenCounts) => Promise<void>,
): Response {
  const codec = input.exchange.codec();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const done = pump(reader, first, writable, codec, {
    idleMs: timeouts.idleMs,
    totalMs: timeouts.totalMs,
    deadline: started + timeouts.totalMs,
    abort,
  }).then((outcome) => finish(200, outcome, codec.usage));
  c.executionCtx.waitUntil(done);
  return new Response(readable, { headers: { ...SSE_HEADERS, ...routingHeaders(input, Date.now() - started) } });
}

/** Which served entity answered, and Server-Timing for admission (`gate`) and the origin's first byte (`origin`). */
function routingHeaders(input: Admitted, originMs: number | null): Record<string, string> {
  return {
    'x-served-entity': input.entity.name,
    'server-timing': `gate;dur=${input.lease.admissionMs.toFixed(2)}, origin;dur=${originMs ?? 0}`,
  };
}

function toApiError(err: unknown, entity: ServedEntity): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof OriginTimeout) {
    return new ApiError(504, `The origin of served entity '${entity.name}' did not answer within ${err.ms} ms`, {
      type: 'server_error',
      code: 'origin_timeout',
    });
  }
  if (err instanceof ClientGone) return new ApiError(499, 'Client closed the request', { code: 'client_closed' });
  return new ApiError(502, `The origin of served entity '${entity.name}' failed: ${err instanceof Error ? err.message : String(err)}`, {
    type: 'server_error',
    code: 'origin_error',
  });
}

/** The OpenAI `user` field, when the client sent one: a session key for origin affinity. */
function sessionUser(body: unknown): string | undefined {
  const user = (body as { user?: unknown } | null)?.user;
  return typeof user === 'string' && user !== '' ? user : undefined;
}

function noop(): void {}
