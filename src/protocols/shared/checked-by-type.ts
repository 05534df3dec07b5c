import type { z } from 'zod';

/**
 * An item schema (a loose object with a `type`) whose items of some types are also
 * checked against that type's schema: what a discriminated union with a catch-all
 * would be. Items of other types pass as the item schema lets them (a passthrough
 * may carry kinds the router never reads). The type's schema checks the fields the
 * router reads of that kind of item; its issues keep their paths, so a refusal
 * names the field (`input.0.output.0`).
 */
export function checkedByType<S extends z.ZodType<{ type?: unknown }>>(
  item: S,
  byType: Readonly<Record<string, z.ZodType>>,
): S {
  return item.superRefine((value, ctx) => {
    const type = value.type;
    const schema = typeof type === 'string' && Object.hasOwn(byType, type) ? byType[type] : undefined;
    if (!schema) return;
    const result = schema.safeParse(value, { reportInput: true });
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
  }) as S;
}
