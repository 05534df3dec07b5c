import { CATEGORY_CODES, type GuardCategory } from '../endpoints/guardrail-categories';

export type Verdict = { safe: true } | { safe: false; categories: GuardCategory[] };

/** The guard answered, but not with a verdict: counts as a guard failure (see `on_error`). */
export class GuardAnswerError extends Error {}

const UNSAFE = /^unsafe\n(S\d{1,2}(?:,S\d{1,2})*)$/;

/**
 * Reads Llama Guard's answer strictly: `safe`, or `unsafe` and a second line of
 * comma-separated codes, each one the guard was asked about (surrounding
 * whitespace aside). Anything else throws, and never quotes the answer (a
 * confused guard may echo the moderated text).
 */
export function parseVerdict(answer: string, asked: readonly GuardCategory[]): Verdict {
  const text = answer.trim();
  if (text === 'safe') return { safe: true };
  const match = UNSAFE.exec(text);
  if (!match)
    throw new GuardAnswerError(
      `the guard's answer (${text.length} characters) is neither 'safe' nor 'unsafe' with a line of categories`,
    );
  const codes = match[1]!.split(',');
  const unknown = codes.find((c) => !(CATEGORY_CODES as string[]).includes(c) || !asked.includes(c as GuardCategory));
  if (unknown) throw new GuardAnswerError(`the guard named category ${unknown}, which it was not asked about`);
  return { safe: false, categories: [...new Set(codes as GuardCategory[])] };
}
