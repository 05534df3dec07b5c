import { z } from 'zod';

/** A page of a listing (src/http/pagination.ts): pass `next_cursor` as `cursor` for the next one. */
export function PageOf<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: z.string().nullable().meta({ description: 'The `cursor` of the next page; null on the last page' }),
  });
}
