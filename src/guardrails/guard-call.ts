import { tenantMayUse } from '../endpoints/access';
import { resolveEndpoint } from '../endpoints/cache';
import { isExternal, type Endpoint } from '../endpoints/schema';
import { pickServedEntity } from '../endpoints/traffic';
import { ApiError } from '../http/errors';
import { candidateOrigins } from '../origins/candidates';
import { loggableOriginUrl } from '../origins/origin-url';
import { sendWithFailover } from '../proxy/send-with-failover';
import { originErrorMessage } from '../protocols/openai/error-body';
import { ClientGone, OriginTimeout } from '../proxy/abort-reasons';

/** A guard call's budget when the guard endpoint sets no `timeouts.total_ms` (its general default, 10 minutes, suits no guard). */
export const GUARD_DEFAULT_TIMEOUT_MS = 10_000;
/** Enough for `unsafe` and all fourteen codes. */
const MAX_VERDICT_TOKENS = 32;

/** Why a guard could not give a verdict (its endpoint is gone or stopped, its origins failed, it timed out). */
export class GuardCallError extends Error {}

export interface GuardCallContext {
  db: D1Database;
  requestId: string;
  /** The guarded endpoint's tenant: the guard endpoint must be its own or shared with it. */
  tenantId: string;
  /** The guarded request's controller: the client leaving ends the guard call too. */
  signal: AbortSignal;
}

/**
 * Sends one classification prompt to the guard endpoint as a routed request of its
 * own: the guard endpoint's traffic split, healthy origins, failover and outlier
 * ejection, and its total timeout — but no lease of the caller's key. Resolves to
 * the guard's raw answer; throws GuardCallError when it cannot get one, and the
 * signal's reason (ClientGone) when the client left.
 */
export async function callGuard(ctx: GuardCallContext, guardName: string, prompt: string): Promise<string> {
  const endpoint = await resolveEndpoint(ctx.db, guardName);
  if (!endpoint || !tenantMayUse(endpoint, ctx.tenantId)) {
    throw new GuardCallError(`guard endpoint '${guardName}' does not exist (or is not shared with this tenant)`);
  }
  if (endpoint.state === 'stopped') throw new GuardCallError(`guard endpoint '${guardName}' is stopped`);
  const entity = pickServedEntity(endpoint);
  if (isExternal(entity)) {
    throw new GuardCallError(
      `guard endpoint '${guardName}' serves an external model; a guard must be a self-hosted Llama Guard (its completions route is called)`,
    );
  }
  const totalMs = endpoint.timeouts.total_ms ?? GUARD_DEFAULT_TIMEOUT_MS;
  const abort = new AbortController();
  const onAbort = () => abort.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onAbort();
  ctx.signal.addEventListener('abort', onAbort);
  const timer = setTimeout(() => abort.abort(new OriginTimeout('total', totalMs)), totalMs);
  try {
    const candidates = await candidateOrigins(ctx.db, endpoint, entity);
    const tgi = entity.protocol === 'tgi';
    const answer = await sendWithFailover(entity, candidates, {
      path: tgi ? '/generate' : '/v1/completions',
      body: JSON.stringify(
        tgi
          ? { inputs: prompt, parameters: { max_new_tokens: MAX_VERDICT_TOKENS, do_sample: false } }
          : { model: entity.model, prompt, max_tokens: MAX_VERDICT_TOKENS, temperature: 0 },
      ),
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-request-id': ctx.requestId },
      abort,
      firstByteMs: totalMs,
      stream: false,
      onEjected: (origin, detail) =>
        console.warn(
          JSON.stringify({
            msg: 'origin ejected',
            request_id: ctx.requestId,
            origin: loggableOriginUrl(origin.url),
            model: entity.model,
            detail: detail.slice(0, 300),
          }),
        ),
    });
    try {
      if (!answer.response.ok) {
        throw new GuardCallError(
          `guard endpoint '${guardName}' answered HTTP ${answer.response.status}: ${originErrorMessage(await answer.response.text())}`,
        );
      }
      return answerText(await answer.response.json(), tgi, guardName);
    } finally {
      answer.done();
    }
  } catch (err) {
    if (ctx.signal.aborted && ctx.signal.reason instanceof ClientGone) throw ctx.signal.reason;
    if (err instanceof GuardCallError) throw err;
    throw new GuardCallError(describe(err, guardName, endpoint));
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

function answerText(json: unknown, tgi: boolean, guardName: string): string {
  const text = tgi
    ? (json as { generated_text?: unknown } | null)?.generated_text
    : (json as { choices?: Array<{ text?: unknown }> } | null)?.choices?.[0]?.text;
  if (typeof text !== 'string') throw new GuardCallError(`guard endpoint '${guardName}' sent no completion text`);
  return text;
}

function describe(err: unknown, guardName: string, endpoint: Endpoint): string {
  if (err instanceof OriginTimeout) return `guard endpoint '${guardName}' did not answer within ${err.ms} ms`;
  if (err instanceof ApiError) return `guard endpoint '${guardName}': ${err.message}`;
  return `guard endpoint '${endpoint.name}' failed: ${err instanceof Error ? err.message : String(err)}`;
}
