import type { GuardCategory } from '../endpoints/guardrail-categories';

export type GuardStage = 'input' | 'output';
/** What a check decided: nothing found, found and served (`flag`), found and refused (`block`), or no verdict. */
export type GuardOutcome = 'pass' | 'flag' | 'block' | 'error';

export interface GuardVerdictLine {
  request_id: string;
  endpoint: string;
  guard: string;
  stage: GuardStage;
  outcome: GuardOutcome;
  categories: GuardCategory[];
  /** For `error`: what `on_error` did with it. */
  on_error: 'fail_open' | 'fail_closed' | null;
  error: string | null;
  duration_ms: number;
}

/**
 * One guard check, as a structured log line: verdicts, categories and timings —
 * never the moderated text (errors never quote it either). The metrics count the
 * same line (src/metrics/hooks.ts `recordGuardCheck`).
 */
export function recordVerdict(line: GuardVerdictLine): void {
  console.log(JSON.stringify({ msg: 'guardrail', ...line }));
}
