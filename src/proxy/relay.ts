import type { Context } from 'hono';
import type { Endpoint, ServedEntity } from '../endpoints/schema';
import type { AppEnv } from '../env';
import type { Lease } from '../gate/lease';
import { ApiError } from '../http/api-error';
import { fetchFromPool } from '../origins/fetch-from-pool';
import type { TokenCounts } from '../protocols/stream-codec';
import type { OriginExchange } from './exchange';
import { ClientGone, OriginTimeout } from './abort-reasons';
import { originFailure } from './origin-failure';
import { pump, readBefore, type Outcome } from './pump';
import { logRequest } from './request-log';
import { effectiveTimeouts } from './timeouts';

export interface RelayInput {
  endpoint: Endpoint;
  entity: ServedEntity;
  lease: Lease;
  stream: boolean;
  exchange: OriginExchange;
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
export async function relay(c: Context<AppEnv>, input: RelayInput): Promise<Response> {
  const started = Date.now();
  const timeouts = effectiveTimeouts(input.endpoint.timeouts);
  const abort = new AbortController();
  const clientSignal = c.req.raw.signal;
  const onClientGone = () => abort.abort(new ClientGone());
  if (clientSignal?.aborted) onClientGone();
  clientSignal?.addEventListener('abort', onClientGone);

  let ttfb: number | null = null;
  const finish = (status: number, outcome: Outcome, usage: TokenCounts) => {
    clientSignal?.removeEventListener('abort', onClientGone);
    logRequest({
      request_id: c.var.requestId, key_id: c.var.apiKey.id, endpoint: input.endpoint.name,
      served_entity: input.entity.name, stream: input.stream, status, outcome,
      prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens,
      ttfb_ms: ttfb, duration_ms: Date.now() - started,
    });
    return input.lease.release({ endpoint: input.endpoint.name, outcome, ...usage });
  };

  input.lease.keepAlive((p) => c.executionCtx.waitUntil(p));
  const work = (async (): Promise<Response> => {
    const totalTimer = input.stream
      ? undefined
      : setTimeout(() => abort.abort(new OriginTimeout('total', timeouts.totalMs)), timeouts.totalMs);
    try {
      const response = await fetchFromPool(input.entity, {
        path: input.exchange.path,
        body: JSON.stringify(input.exchange.body),
        headers: { 'content-type': 'application/json', accept: input.stream ? 'text/event-stream' : 'application/json', 'x-request-id': c.var.requestId },
        abort,
        firstByteMs: input.stream ? timeouts.firstByteMs : timeouts.totalMs,
      });
      ttfb = Date.now() - started;
      if (!response.ok) throw await originFailure(response);
      if (input.stream && response.body && isEventStream(response)) {
        // Hold the status until the first event: a stall before it is still a clean 504.
        const reader = response.body.getReader();
        const first = await readBefore(reader, timeouts.firstByteMs - (Date.now() - started), 'first_byte', timeouts.firstByteMs);
        return startStream(c, input, reader, first, abort, timeouts, started, finish);
      }
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
  input: RelayInput,
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
function routingHeaders(input: RelayInput, originMs: number | null): Record<string, string> {
  return {
    'x-served-entity': input.entity.name,
    'server-timing': `gate;dur=${input.lease.admissionMs.toFixed(2)}, origin;dur=${originMs ?? 0}`,
  };
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/event-stream');
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

function noop(): void {}
