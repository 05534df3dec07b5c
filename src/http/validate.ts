import type { z } from 'zod';
import { errors } from './errors';
import { describeFirstIssue } from './issue-message';

/** Parses with a zod schema; a failure becomes a 400 that names the offending field and what is wrong with it. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  // reportInput: the issue carries the value sent, so a wrong type is not mistaken for a missing field.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const { param, message } = describeFirstIssue(result.error, schema, 'required field is missing');
  throw errors.invalidBody(`Invalid ${param ? `'${param}'` : 'request body'}: ${message}`, param);
}
