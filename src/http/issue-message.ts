import type { z } from 'zod';
import { clip } from './clip';

/**
 * What a client must fix, in words, for one zod issue: "expected integer, got string",
 * "must be ≥ 1", "unknown value 'x', expected one of 'a', 'b'". The schema is needed
 * to tell integers from numbers (zod reports both as `number` when the type is wrong).
 * Issues must come from a parse with `reportInput: true`: without the input, a wrong
 * type cannot be told from a missing field.
 */
export interface IssueText {
  /** Dotted path of the offending field (`messages.0.role`), or null for the body itself. */
  param: string | null;
  message: string;
}

/** The first issue of a failed parse, described. `missing` is the wording for an absent required field. */
export function describeFirstIssue(error: z.ZodError, schema: z.ZodType, missing: string): IssueText {
  return describeIssues(error.issues[0]!, schema, missing)[0]!;
}

/**
 * Every problem one zod issue stands for, at least one: a union whose
 * branches got past the type check stands for all the problems of its closest branch, in the order zod found them
 * (a served entity without `protocol` or with an unknown one: that, and whatever else is wrong with its name,
 * model or origins). `sent` is the whole value parsed: a coerced field (a query's `limit`) that is not a number is
 * described by what was sent ('abc'), which zod's issue has already replaced with NaN.
 */
export function describeIssues(
  issue: z.core.$ZodIssue,
  root: z.ZodType | undefined,
  missing: string,
  base: PropertyKey[] = [],
  sent?: unknown,
): IssueText[] {
  const path = [...base, ...issue.path];
  const at = schemaAt(root, [...issue.path]);
  const branch = unionBranch(issue, at);
  if (branch) return branch.issues.flatMap((inner) => describeIssues(inner, branch.schema, missing, path, sent));
  return [{ param: joinPath(path), message: describeLeaf(issue, at, missing, () => valueAt(sent, path)) }];
}

/** A union whose branches got past the type check: the closest branch's problems are what to fix. */
function unionBranch(
  issue: z.core.$ZodIssue,
  at: z.ZodType | undefined,
): { issues: z.core.$ZodIssue[]; schema: z.ZodType | undefined } | null {
  if (
    issue.code === 'invalid_union' &&
    issue.input !== undefined &&
    issue.errors.length > 0 &&
    !('discriminator' in issue && issue.discriminator)
  ) {
    return closestBranch(issue.errors, at);
  }
  return null;
}

/** zod's own wording; anything else is the schema author's message, kept as it is. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized)/;

function describeLeaf(
  issue: z.core.$ZodIssue,
  schema: z.ZodType | undefined,
  missing: string,
  sentHere: () => unknown,
): string {
  // Nothing sent where a value is required (a plain type or a union of types).
  if (
    issue.input === undefined &&
    (issue.code === 'invalid_type' ||
      (issue.code === 'invalid_union' && !('discriminator' in issue && issue.discriminator)))
  ) {
    return missing;
  }
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected === 'int' || isInteger(schema) ? 'integer' : issue.expected;
      // NaN is what coercion made of a text that is not a number (JSON has no NaN): say what the text was.
      const text = Number.isNaN(issue.input) ? sentHere() : undefined;
      if (typeof text === 'string') return `expected ${expected}, got '${clip(text)}'`;
      return `expected ${expected}, got ${kindOf(issue.input, expected)}`;
    }
    case 'too_small':
      if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
      return bound(issue.origin, 'small', issue.minimum, issue.inclusive ?? true);
    case 'too_big':
      if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
      return bound(issue.origin, 'big', issue.maximum, issue.inclusive ?? true);
    case 'invalid_value':
      // An absent field that must be one of some values (a union's `protocol`): missing, and what it may be.
      if (issue.input === undefined) return `${missing} (expected ${expectedValues(issue.values)})`;
      return issue.values.length === 1
        ? `expected ${quote(issue.values[0])}, got ${shown(issue.input)}`
        : `unknown value ${shown(issue.input)}, expected ${expectedValues(issue.values)}`;
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator) {
        const options = ((issue as { options?: unknown[] }).options ?? []).map(quote).join(', ');
        const value = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
        return value === undefined ? missing : `unknown value ${shown(value)}, expected one of ${options}`;
      }
      return unionTypes(issue, schema);
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_format':
      return formatMessage(issue);
    default:
      return issue.message;
  }
}

/** "must be ≥ 1", "must have at most 16 items", "must not be empty". */
function bound(origin: string, side: 'small' | 'big', limit: number | bigint, inclusive: boolean): string {
  const n = Number(limit);
  if (origin === 'array' || origin === 'set') {
    if (side === 'small')
      return n === 1 && inclusive ? 'must not be empty' : `must have at least ${inclusive ? n : n + 1} item(s)`;
    return `must have at most ${inclusive ? n : n - 1} item(s)`;
  }
  if (origin === 'string') {
    if (side === 'small')
      return n === 1 && inclusive ? 'must not be empty' : `must be at least ${inclusive ? n : n + 1} characters long`;
    return `must be at most ${inclusive ? n : n - 1} characters long`;
  }
  if (side === 'small') return `must be ${inclusive ? '≥' : '>'} ${n}`;
  return `must be ${inclusive ? '≤' : '<'} ${n}`;
}

/** A union none of whose branches took the value's type: "expected string or array, got number". */
function unionTypes(issue: z.core.$ZodIssueInvalidUnion, schema: z.ZodType | undefined): string {
  const expected = new Set<string>();
  const options = unionOptions(schema);
  issue.errors.forEach((branch, i) => {
    for (const inner of branch) {
      if (inner.code === 'invalid_type' && inner.path.length === 0) {
        expected.add(inner.expected === 'int' || isInteger(options[i]) ? 'integer' : inner.expected);
      } else if (inner.code === 'invalid_value' && inner.path.length === 0) {
        for (const v of inner.values) expected.add(quote(v));
      }
    }
  });
  if (expected.size === 0) return issue.message;
  return `expected ${[...expected].join(' or ')}, got ${kindOf(issue.input, '')}`;
}

/**
 * Of a union's failed branches, the one that got furthest: a branch that accepted the
 * value's type and failed on something inside (a bound, an element) says more than
 * "expected string or array". Its problems, all of them, in the order zod found them.
 */
function closestBranch(
  errors: z.core.$ZodIssue[][],
  schema: z.ZodType | undefined,
): { issues: z.core.$ZodIssue[]; schema: z.ZodType | undefined } | null {
  const options = unionOptions(schema);
  let best: { issues: z.core.$ZodIssue[]; schema: z.ZodType | undefined; offBranch: number } | null = null;
  for (let i = 0; i < errors.length; i++) {
    const issues = errors[i];
    const first = issues?.[0];
    if (!issues || !first) continue;
    const typeMiss = (first.code === 'invalid_type' || first.code === 'invalid_value') && first.path.length === 0;
    if (typeMiss) continue;
    // Of several object branches, the one the input meant has the fewest unknown or missing fields at its own level
    // (a served entity with `protocol` and `origins` is a self-hosted one, not an external model missing `external_model`).
    const offBranch = issues.filter(
      (issue) =>
        issue.path.length <= 1 &&
        (issue.code === 'unrecognized_keys' || (issue.code === 'invalid_type' && issue.input === undefined)),
    ).length;
    if (best === null || offBranch < best.offBranch) best = { issues, schema: options[i], offBranch };
  }
  return best && { issues: best.issues, schema: best.schema };
}

function formatMessage(issue: z.core.$ZodIssueInvalidStringFormat): string {
  // A schema's own wording (e.g. "must be an http(s) URL") is kept.
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  if (issue.format === 'datetime') return 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-01T00:00:00Z';
  if (issue.format === 'url') return 'must be a URL';
  if (issue.format === 'regex') return `must match ${issue.pattern ?? 'the expected pattern'}`;
  return `must be a valid ${issue.format}`;
}

/** The JSON kind of a value, or the value itself where the kind alone would confuse (1.5 for an integer). */
function kindOf(input: unknown, expected: string): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number') {
    if (Number.isNaN(input)) return 'not a number';
    // JSON has no Infinity: a literal such as 1e999 parses as one.
    if (!Number.isFinite(input)) return 'a number too large to represent';
    return expected === 'integer' ? String(input) : 'number';
  }
  return typeof input;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** The value at `path` inside `value`, or undefined. */
function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function joinPath(path: PropertyKey[]): string | null {
  return path.length ? path.map(String).join('.') : null;
}

// --- finding the schema of a field, through wrappers, objects, arrays and unions ---

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
};

function def(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let i = 0; current && i < 16; i++) {
    const d = def(current);
    if (WRAPPERS.has(d.type) && d.innerType) current = d.innerType;
    // A preprocessed value (`z.preprocess`: a transform piped into a schema) is described by the schema it feeds.
    else if (d.type === 'pipe' && d.in) current = def(d.in).type === 'transform' && d.out ? d.out : d.in;
    else break;
  }
  return current;
}

function unionOptions(schema: z.ZodType | undefined): Array<z.ZodType | undefined> {
  const s = unwrap(schema);
  return s && def(s).type === 'union' ? (def(s).options ?? []) : [];
}

function schemaAt(root: z.ZodType | undefined, path: PropertyKey[]): z.ZodType | undefined {
  const s = unwrap(root);
  if (!s || path.length === 0) return s;
  const [head, ...rest] = path;
  const d = def(s);
  if (d.type === 'object') return schemaAt(d.shape?.[String(head)], rest);
  if (d.type === 'array') return schemaAt(d.element, rest);
  if (d.type === 'record') return schemaAt(d.valueType, rest);
  if (d.type === 'union') {
    for (const option of d.options ?? []) {
      const found = schemaAt(option, path);
      if (found) return found;
    }
  }
  return undefined;
}

function isInteger(schema: z.ZodType | undefined): boolean {
  const s = unwrap(schema);
  return !!s && def(s).type === 'number' && (s as unknown as { isInt?: boolean }).isInt === true;
}

/** `'a'` or `one of 'a', 'b'`. */
function expectedValues(values: readonly unknown[]): string {
  return values.length === 1 ? quote(values[0]) : `one of ${values.map(quote).join(', ')}`;
}
