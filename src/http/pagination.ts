import { z } from 'zod';
import { errors } from './errors';
import { queryInteger } from './query-integer';

/** Listings answer at most this many items per page (`limit`), 50 when it is not given. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** `?limit=&cursor=` of a paginated listing. */
export const PageQuery = z.strictObject({
  limit: queryInteger(1, MAX_PAGE_SIZE).optional(),
  /** `next_cursor` of the previous page, unchanged. */
  cursor: z.string().min(1).max(1024).optional(),
});

/** A page of a listing: `next_cursor` fetches the next one; null when this is the last. */
export interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Builds a page from up to `limit + 1` rows (the extra row only says there is more).
 * The cursor encodes the last row's sort position; clients treat it as opaque.
 */
export function toPage<R, T>(rows: R[], limit: number, position: (row: R) => unknown, view: (row: R) => T): Page<T> {
  const has_more = rows.length > limit;
  const shown = has_more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return {
    object: 'list',
    data: shown.map(view),
    has_more,
    next_cursor: has_more && last !== undefined ? encodeCursor(position(last)) : null,
  };
}

export function encodeCursor(position: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The position a cursor encodes, checked by `schema`; a cursor that is not one of ours is a 400 naming `cursor`. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.infer<S> {
  try {
    const binary = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
    return schema.parse(JSON.parse(json));
  } catch {
    throw errors.invalidCursor();
  }
}
