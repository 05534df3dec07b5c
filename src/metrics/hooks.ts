import type { Context } from 'hono';
import type { InferenceEnv } from '../auth/inference-env';
import { ApiError } from '../http/errors';
import { couldBeEndpointName } from '../endpoints/endpoint-name';
import type { GuardVerdictLine } from './guard-record';
import type { RequestLogLine } from './request-log';
import type { GapTimer } from './gap-timer';
import { metricsEnabled, recorder } from './recorder';
import { refusalReason } from './series-keys';

/**
 * The request path's only contact with metrics: counts go into this isolate's
 * batch (memory only) and a flush is scheduled in `waitUntil`. Nothing here awaits.
 */

/** Requests already counted by the relay, so the error handler does not count them again as refusals. */
const counted = new WeakSet<Request>();

export interface RelayFacts {
  /** Admission time before the relay's clock started (counted into latency and TTFT). */
  admissionMs: number;
  gaps?: GapTimer;
  attempts: number;
}

/** One relayed request, as logged, with what only the relay knows. */
export function recordRequest(c: Context<InferenceEnv>, line: RequestLogLine, facts: RelayFacts): void {
  counted.add(c.req.raw);
  if (!metricsEnabled(c.env)) return;
  const end = Date.now();
  const durationMs = line.duration_ms + facts.admissionMs;
  recorder.batch.request({
    endpoint: line.endpoint,
    entity: line.served_entity,
    outcome: line.outcome,
    status: line.status,
    startedAt: end - durationMs,
    durationMs,
    ttftMs:
      line.stream && line.ttfb_ms !== null && line.outcome !== 'aborted' ? line.ttfb_ms + facts.admissionMs : null,
    promptTokens: line.prompt_tokens,
    completionTokens: line.completion_tokens,
    gaps: facts.gaps,
    attempts: facts.attempts,
  });
  recorder.schedule(c.env, (p) => c.executionCtx.waitUntil(p));
}

/** One origin attempt of a relayed request (`ok`: it answered), and ejections its failure caused. */
export function recordAttempt(
  c: Context<InferenceEnv>,
  endpoint: string,
  entity: string,
  originUrl: string,
  ok: boolean,
  ejected = false,
): void {
  if (!metricsEnabled(c.env)) return;
  recorder.batch.attempt(endpoint, entity, originUrl, ok);
  if (ejected) recorder.batch.ejection(endpoint, entity, originUrl);
  recorder.schedule(c.env, (p) => c.executionCtx.waitUntil(p));
}

/** One guardrail check (the guard call and its verdict) of a request to an endpoint. */
export function recordGuardCheck(c: Context<InferenceEnv>, line: GuardVerdictLine): void {
  if (!metricsEnabled(c.env)) return;
  recorder.batch.guard(line.endpoint, line.stage, line.outcome, line.categories, line.duration_ms);
  recorder.schedule(c.env, (p) => c.executionCtx.waitUntil(p));
}

/**
 * An inference request refused before it reached an origin (the inference route
 * groups' error handler calls this for every error). Counted for the endpoint it
 * targeted: the resolved one, else the one named in the path or the body's `model`
 * (the flush drops names that do not exist).
 */
export function recordRefusal(c: Context<InferenceEnv>, err: Error): void {
  if (counted.has(c.req.raw) || !metricsEnabled(c.env)) return;
  const endpoint = c.get('endpointName') ?? c.req.param('name') ?? c.get('bodyModel');
  // A name no endpoint can have (a path's, unchecked) is not counted: its flush would look it up.
  if (!endpoint || !couldBeEndpointName(endpoint)) return;
  const status = err instanceof ApiError ? err.status : 500;
  const code = err instanceof ApiError ? err.code : null;
  if (status === 404 && code === 'route_not_found') return;
  recorder.batch.refusal(endpoint, refusalReason(status, code));
  try {
    recorder.schedule(c.env, (p) => c.executionCtx.waitUntil(p));
  } catch {
    // no execution context (never the case in the Worker): the next request's flush takes it
  }
}
