import type { z } from 'zod';
import { errors } from './errors';

/** When a parse is redone (see safeParseBody), every array of the body is cut to this many items. */
export const RETRY_ITEMS = 100;

/**
 * `schema.safeParse` of a request body, each issue carrying the value sent. A body with some 100,000 invalid values
 * (1 MB of them is enough) overflows the stack in zod, which gathers a field's issues with `push(...issues)`; then
 * the parse is redone on the body with every array cut to its first RETRY_ITEMS items. Their problems are the body's
 * own (the request schemas check items one by one, never against each other, and no array must hold more than
 * RETRY_ITEMS), so the refusal still names the first. When those items are all valid, or the redone parse overflows
 * too, the refusal (400) says where the invalid values are.
 */
export function safeParseBody<S extends z.ZodType>(schema: S, value: unknown): z.ZodSafeParseResult<z.output<S>> {
  try {
    return schema.safeParse(value, { reportInput: true });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  try {
    const cut = schema.safeParse(cutArrays(value), { reportInput: true });
    if (!cut.success) return cut;
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  throw errors.invalidBody(
    `Invalid request body: it holds too many invalid values to name one (the first ${RETRY_ITEMS} items of each array are valid); check the items after them`,
    null,
  );
}

/** A copy of a parsed JSON body whose arrays hold their first RETRY_ITEMS items only (the body is at most 64 levels deep). */
function cutArrays(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, RETRY_ITEMS).map(cutArrays);
  // fromEntries defines own properties: a `__proto__` key stays a field, as JSON.parse made it.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutArrays(v)]));
}
