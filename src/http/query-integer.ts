import { z } from 'zod';

/** Decimal digits, with a fraction: a fraction is refused by `int()` and shown as the number it is (1.5). */
const DECIMAL = /^[0-9]{1,16}(\.[0-9]{1,16})?$/;

/**
 * A query parameter that is a whole number written in decimal digits (`?limit=50`), between `min` and `max`.
 * Anything else — `1e2`, `0x10`, ` 5`, an empty value, all of which `Number()` would read as a number — becomes
 * NaN before the number check, so the refusal quotes what was sent: "expected integer, got '1e2'".
 */
export function queryInteger(min: number, max?: number) {
  const n = z.number().int().min(min);
  return z.preprocess(
    (v) => (typeof v === 'string' ? (DECIMAL.test(v) ? Number(v) : NaN) : v),
    max === undefined ? n : n.max(max),
  );
}
