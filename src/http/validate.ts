import type { z } from 'zod';
import type { ApiIssue } from './api-error';
import { errors } from './errors';
import { bodyProblem, queryProblem } from './errors/requests';
import { clip } from './clip';
import { describeIssues, type IssueText } from './issue-message';
import { safeParseBody } from './parse-body';

/** At most this many problems are listed in a refusal's `issues` (a body can hold thousands). */
export const MAX_ISSUES = 50;

/**
 * Parses a request body with a zod schema; a failure becomes a 400 `invalid_body` that names the offending field
 * and what is wrong with it (the first problem zod found), and lists every problem found (up to MAX_ISSUES) in the
 * same words, those inside a union's closest branch included.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  // Each issue carries the value sent, so a wrong type is not mistaken for a missing field.
  const result = safeParseBody(schema, value);
  if (result.success) return result.data;
  const issues = listIssues(result.error, (issue) =>
    describeIssues(issue, schema, 'required field is missing', [], value).map(({ param, message }) => ({
      param,
      message: bodyProblem(param, message),
    })),
  );
  throw errors.invalidBodyIssues(issues);
}

/**
 * Parses a request's query parameters (`c.req.query()`) with a zod object schema; a failure becomes a 400
 * `invalid_query` worded as a problem of the query string ("Invalid query parameter 'limit': must be ≥ 1",
 * "Unknown query parameter(s) 'bogus': this route takes 'limit', 'cursor'"), listed in `issues` as `validate` does.
 */
export function validateQuery<S extends z.ZodObject>(schema: S, query: Record<string, string>): z.infer<S> {
  const result = schema.safeParse(query, { reportInput: true });
  if (result.success) return result.data;
  const issues = listIssues(result.error, (issue): IssueText[] => {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
      const takes = Object.keys(schema.shape);
      const message =
        `Unknown query parameter(s) ${issue.keys.map((k) => `'${clip(k)}'`).join(', ')}: ` +
        (takes.length ? `this route takes ${takes.map((k) => `'${k}'`).join(', ')}` : 'this route takes none');
      return [{ param: null, message }];
    }
    return describeIssues(issue, schema, 'required parameter is missing', [], query).map(({ param, message }) => ({
      param,
      message: queryProblem(param, message),
    }));
  });
  throw errors.invalidQueryIssues(issues);
}

/** Every problem of a failed parse, in words (at most MAX_ISSUES, the same text once). */
function listIssues(error: z.ZodError, describe: (issue: z.core.$ZodIssue) => IssueText[]): [ApiIssue, ...ApiIssue[]] {
  const issues: ApiIssue[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    if (issues.length === MAX_ISSUES) break;
    // One issue may stand for several problems: a union's (a served entity's) closest branch, with all of its own.
    for (const { param, message } of describe(issue)) {
      if (issues.length === MAX_ISSUES) break;
      // The text names the param: the same text twice is the same problem.
      if (seen.has(message)) continue;
      seen.add(message);
      issues.push({ param, message });
    }
  }
  return issues as [ApiIssue, ...ApiIssue[]];
}
