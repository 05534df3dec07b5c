import type { z } from 'zod';
import type { ApiIssue } from './api-error';
import { errors } from './errors';
import { describeIssues } from './issue-message';
import { safeParseBody } from './parse-body';

/** At most this many problems are listed in a refusal's `issues` (a body can hold thousands). */
export const MAX_ISSUES = 50;

/**
 * Parses with a zod schema; a failure becomes a 400 that names the offending field and what is wrong with it
 * (the first problem zod found), and lists every problem found (up to MAX_ISSUES) in the same words, those inside
 * a union's closest branch included.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  // Each issue carries the value sent, so a wrong type is not mistaken for a missing field.
  const result = safeParseBody(schema, value);
  if (result.success) return result.data;
  const issues: ApiIssue[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    if (issues.length === MAX_ISSUES) break;
    // One issue may stand for several problems: a union's (a served entity's) closest branch, with all of its own.
    for (const { param, message } of describeIssues(issue, schema, 'required field is missing')) {
      if (issues.length === MAX_ISSUES) break;
      const text = `Invalid ${param ? `'${param}'` : 'request body'}: ${message}`;
      // The text names the param: the same text twice is the same problem.
      if (seen.has(text)) continue;
      seen.add(text);
      issues.push({ param, message: text });
    }
  }
  throw errors.invalidBodyIssues(issues as [ApiIssue, ...ApiIssue[]]);
}
