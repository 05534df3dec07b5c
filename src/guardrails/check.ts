import type { Guard } from '../endpoints/schema';
import { ClientGone } from '../proxy/abort-reasons';
import { CATEGORY_CODES, GUARD_CATEGORIES, type GuardCategory } from '../endpoints/guardrail-categories';
import type { Conversation, GuardRole } from './conversation';
import { callGuard, type GuardCallContext } from './guard-call';
import { guardPrompt } from './prompt';
import { recordVerdict, type GuardOutcome, type GuardStage, type GuardVerdictLine } from '../metrics/guard-record';
import { parseVerdict } from './verdict';

export interface CheckContext extends GuardCallContext {
  /** The guarded endpoint. */
  endpoint: string;
  /** Counts the check in the metrics. */
  count?: (line: GuardVerdictLine) => void;
}

export interface CheckResult {
  outcome: GuardOutcome;
  categories: GuardCategory[];
  durationMs: number;
  /** For `error`: why there is no verdict (never quotes the text). */
  error: string | null;
}

/**
 * One guard check of one or more conversations (a batch of prompts, or one answer
 * per choice), in parallel; the last turn of the stage's role is assessed
 * (`User` for input, `Agent` for output). Unsafe in any → the union of their
 * categories, and the guard's action decides. Logged once. Rejects only with
 * ClientGone (the client left); every other failure is an `error` outcome.
 */
export async function runCheck(
  ctx: CheckContext,
  stage: GuardStage,
  guard: Guard,
  conversations: Conversation[],
): Promise<CheckResult> {
  const role: GuardRole = stage === 'input' ? 'User' : 'Agent';
  const asked = guard.categories ?? CATEGORY_CODES;
  const started = Date.now();
  const assessed = conversations.filter((c) => c.some((t) => t.role === role));
  let result: Omit<CheckResult, 'durationMs'>;
  try {
    const verdicts = await Promise.all(
      assessed.map(async (c) => parseVerdict(await callGuard(ctx, guard.endpoint, guardPrompt(c, role, asked)), asked)),
    );
    const categories = CATEGORY_CODES.filter((code) => verdicts.some((v) => !v.safe && v.categories.includes(code)));
    result = {
      outcome: categories.length === 0 ? 'pass' : guard.action === 'block' ? 'block' : 'flag',
      categories,
      error: null,
    };
  } catch (err) {
    if (err instanceof ClientGone) throw err;
    result = { outcome: 'error', categories: [], error: err instanceof Error ? err.message : String(err) };
  }
  const durationMs = Date.now() - started;
  const line: GuardVerdictLine = {
    request_id: ctx.requestId,
    endpoint: ctx.endpoint,
    guard: guard.endpoint,
    stage,
    outcome: result.outcome,
    categories: result.categories,
    on_error: result.outcome === 'error' ? guard.on_error : null,
    error: result.error,
    duration_ms: durationMs,
  };
  recordVerdict(line);
  ctx.count?.(line);
  return { ...result, durationMs };
}

/** `S1 (Violent Crimes), S10 (Hate)`. */
export function describeCategories(categories: readonly GuardCategory[]): string {
  return categories.map((c) => `${c} (${GUARD_CATEGORIES[c]})`).join(', ');
}
