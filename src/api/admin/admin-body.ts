import type { Context } from 'hono';
import type { z } from 'zod';
import { readJsonBody } from '../../http/json-body';
import { validate } from '../../http/validate';
import type { AdminEnv } from './admin-auth';

/**
 * An admin write's body, read and validated with `schema`. Unicode only: the admin API stores what it is sent, so a
 * body that is not UTF-8, or a string with an unpaired surrogate, is refused rather than stored as U+FFFD
 * (src/http/json-body.ts).
 */
export async function adminBody<S extends z.ZodType>(c: Context<AdminEnv>, schema: S): Promise<z.infer<S>> {
  return validate(schema, await readJsonBody(c, { unicode: true }));
}
