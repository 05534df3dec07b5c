import type { Context } from 'hono';
import type { Endpoint, Guard, Guardrails } from '../endpoints/schema';
import type { InferenceEnv } from '../auth/inference-env';
import { recordGuardCheck } from '../metrics/hooks';
import { ApiError, errors } from '../http/errors';
import type { ErrorProtocol } from '../http/error-renderers';
import type { ExchangeGuard } from '../proxy/exchange-guard';
import { answerFormat, type ClientFormat } from './answer-formats';
import { describeCategories, runCheck, type CheckContext, type CheckResult } from './check';
import { withAnswer, type Conversation } from './conversation';
import type { GuardStage, GuardVerdictLine } from '../metrics/guard-record';
import { guardStream } from './stream-stage';

export const DEFAULT_STREAM_CHECK_TOKENS = 64;

/**
 * The guardrails of one request: a step of the request pipeline between the
 * route and the origin. A route builds it (`requestGuard`) from the client's own
 * request; the relay runs `checkInput` after admission and before the origin is
 * called, `checkAnswer` on a non-streaming answer before it is returned, and
 * `stream` around a streaming one; `headers` and `serverTiming` report what happened.
 */
export class RequestGuard implements ExchangeGuard {
  private readonly timings: string[] = [];
  private readonly flagged: string[] = [];
  private readonly unchecked: GuardStage[] = [];

  constructor(
    private readonly ctx: Omit<CheckContext, 'signal'>,
    private readonly rails: Guardrails,
    private readonly conversations: Conversation[],
    private readonly format: ClientFormat,
  ) {}

  /** Blocked → 400 `content_policy_violation`; no verdict under `fail_closed` → 503. Flagged → served (see `headers`). */
  async checkInput(signal: AbortSignal): Promise<void> {
    const guard = this.rails.input;
    if (!guard) return;
    const result = await runCheck({ ...this.ctx, signal }, 'input', guard, this.conversations);
    this.timings.push(`guard-input;dur=${result.durationMs}`);
    const refusal = this.settle('input', guard, result);
    if (refusal) throw refusal;
  }

  /** A non-streaming answer (the client's body): the refusal to send instead of it, or null. */
  async checkAnswer(body: unknown, signal: AbortSignal): Promise<ApiError | null> {
    const guard = this.rails.output;
    if (!guard) return null;
    const texts = answerFormat(this.format).texts(body);
    const result = await runCheck({ ...this.ctx, signal }, 'output', guard, this.answered(texts));
    this.timings.push(`guard-output;dur=${result.durationMs}`);
    return this.settle('output', guard, result);
  }

  /** A streaming answer passes through the output guard (as is without one). */
  stream(body: ReadableStream<Uint8Array>, abort: AbortController): ReadableStream<Uint8Array> {
    const guard = this.rails.output;
    if (!guard) return body;
    return guardStream(body, answerFormat(this.format), {
      every: guard.stream_check_tokens ?? DEFAULT_STREAM_CHECK_TOKENS,
      abort,
      check: (texts) => runCheck({ ...this.ctx, signal: abort.signal }, 'output', guard, this.answered(texts)),
      onResult: (result) => {
        if (result.outcome === 'block')
          return {
            cut: `The answer was stopped by the endpoint's output guardrail: it falls under ${describeCategories(result.categories)}`,
          };
        if (result.outcome === 'error' && guard.on_error === 'fail_closed')
          return { fail: errors.guardUnavailable('output', result.error).message }; // the 503's words, in the stream
        if (result.outcome === 'flag') return { note: `guardrails flagged output ${result.categories.join(',')}` };
        return {};
      },
    });
  }

  /** `x-guardrails-flagged: input=S1,S10` and `x-guardrails-unchecked: input` (a guard failed and `fail_open` let it through). */
  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.flagged.length) out['x-guardrails-flagged'] = this.flagged.join('; ');
    if (this.unchecked.length) out['x-guardrails-unchecked'] = this.unchecked.join(', ');
    return out;
  }

  /** Server-Timing entries of the checks so far: `guard-input;dur=…`, `guard-output;dur=…`. */
  get errorProtocol(): ErrorProtocol {
    return this.format === 'generate' ? 'tgi' : this.format === 'messages' ? 'anthropic' : 'openai';
  }

  serverTiming(): string[] {
    return this.timings;
  }

  private answered(texts: Map<number, string>): Conversation[] {
    return [...texts].map(([index, text]) =>
      withAnswer(this.conversations[index] ?? this.conversations[0] ?? [], text),
    );
  }

  private settle(stage: GuardStage, guard: Guard, result: CheckResult): ApiError | null {
    if (result.outcome === 'flag') this.flagged.push(`${stage}=${result.categories.join(',')}`);
    if (result.outcome === 'block') {
      return errors.contentPolicy(stage, describeCategories(result.categories));
    }
    if (result.outcome === 'error') {
      if (guard.on_error === 'fail_open') {
        this.unchecked.push(stage);
        return null;
      }
      return errors.guardUnavailable(stage, result.error);
    }
    return null;
  }
}

/** Output guards only: the conversation is context for judging the answer, so a request it cannot read is still served. */
function contextOnly(conversations: () => Conversation[]): Conversation[] {
  try {
    return conversations();
  } catch {
    return [];
  }
}

/**
 * The guard step for a request to `endpoint`, or undefined when it has no
 * guardrails (then nothing else runs). `conversations` is called only then; it
 * reads the client's own request (before endpoint defaults such as the system
 * prompt are added) and may refuse it (token-id prompts) when there is an input guard.
 */
export function requestGuard(
  c: Context<InferenceEnv>,
  endpoint: Endpoint,
  format: ClientFormat,
  conversations: () => Conversation[],
): RequestGuard | undefined {
  const rails = endpoint.guardrails;
  if (!rails?.input && !rails?.output) return undefined;
  const ctx = {
    db: c.env.DB,
    requestId: c.get('requestId'),
    tenantId: endpoint.tenant_id,
    endpoint: endpoint.name,
    count: (line: GuardVerdictLine) => recordGuardCheck(c, line),
  };
  return new RequestGuard(ctx, rails, rails.input ? conversations() : contextOnly(conversations), format);
}
