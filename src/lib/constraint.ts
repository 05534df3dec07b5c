/**
 * The SQLite constraint a failed D1 write broke, read from the error D1 raises
 * (its message carries SQLite's, e.g. `UNIQUE constraint failed: endpoints.name:
 * SQLITE_CONSTRAINT`). The one place that recognises one: stores turn it into
 * the refusal that fits (a name taken, a quota reached), and anything else stays
 * an error.
 */
export interface BrokenConstraint {
  kind: 'unique' | 'foreign_key' | 'check' | 'not_null' | 'primary_key';
  /** `table.column` as SQLite names them (empty when it does not, as for foreign keys). */
  columns: string[];
}

const CONSTRAINT = /\b(UNIQUE|FOREIGN KEY|CHECK|NOT NULL|PRIMARY KEY) constraint failed(?::\s*([^:]+))?/;

export function brokenConstraint(err: unknown): BrokenConstraint | null {
  const m = CONSTRAINT.exec(err instanceof Error ? err.message : String(err));
  if (!m) return null;
  const kind = m[1]!.toLowerCase().replace(' ', '_') as BrokenConstraint['kind'];
  const columns = (m[2] ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => /^\w+\.\w+$/.test(c));
  return { kind, columns };
}

/** Did the write break a unique constraint (on one of `columns`, each `table.column`, when any are given)? */
export function isUniqueViolation(err: unknown, ...columns: string[]): boolean {
  const broken = brokenConstraint(err);
  if (broken === null || (broken.kind !== 'unique' && broken.kind !== 'primary_key')) return false;
  return columns.length === 0 || columns.some((c) => broken.columns.includes(c));
}
