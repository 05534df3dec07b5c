// Argument parsing: finding the command words among the options, parsing the rest with
// node:util parseArgs (strict), and reading typed option values. Every problem is a
// UsageError (exit 2).

import { parseArgs } from 'node:util';
import type { Invocation, OptionSpec, OptionValues, PositionalSpec } from './command.ts';
import { UsageError } from './errors.ts';

/** Options every command accepts, wherever they appear on the line. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: { type: 'string', value: 'URL', help: 'router base URL (env EDGE_ROUTER_URL; default http://127.0.0.1:8787)' },
  token: {
    type: 'string',
    value: 'TOKEN',
    help: 'admin token (env EDGE_ROUTER_ADMIN_TOKEN, which keeps it out of `ps`)',
  },
  json: { type: 'boolean', help: "print the API's raw JSON instead of tables" },
  help: { type: 'boolean', short: 'h', help: 'show help for the group or command' },
};

/**
 * Splits the command words (up to `depth` of them: group, command) from everything
 * else. Options may come before the words; a value-taking global option's value is not
 * a word.
 */
export function splitWords(argv: string[], depth = 2): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (words.length === depth || arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      rest.push(arg);
      const name = arg.replace(/^--?/, '');
      if (!arg.includes('=') && GLOBAL_OPTIONS[name]?.type === 'string' && i + 1 < argv.length) rest.push(argv[++i]!);
    } else {
      words.push(arg);
    }
  }
  return { words, rest };
}

/** True when -h/--help appears among the options (before any `--`). */
export function wantsHelp(rest: string[]): boolean {
  for (const arg of rest) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/** Parses a command's arguments (its own options plus the global ones) and checks the positionals. */
export function parseInvocation(
  rest: string[],
  options: Record<string, OptionSpec>,
  positionals: PositionalSpec[],
): Invocation {
  const config: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...GLOBAL_OPTIONS, ...options })) {
    config[name] = {
      type: spec.type,
      ...(spec.multiple ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: config, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (err) {
    throw new UsageError(err instanceof Error ? parseArgsMessage(err) : String(err));
  }
  const required = positionals.filter((p) => !p.optional).length;
  if (parsed.positionals.length > positionals.length) {
    throw new UsageError(`unexpected argument '${parsed.positionals[positionals.length]}'`);
  }
  if (parsed.positionals.length < required) {
    throw new UsageError(`missing <${positionals[parsed.positionals.length]!.name}>`);
  }
  return { positionals: parsed.positionals, values: parsed.values };
}

/** parseArgs' first sentence, plus its advice for a value that starts with a dash. */
function parseArgsMessage(err: Error): string {
  const first = err.message.split('\n')[0]!.split('. To specify')[0]!.replace(/\.$/, '');
  const m = /use '(--[\w-]+)=-XYZ'/.exec(err.message);
  return m ? `${first}: a value starting with '-' is written ${m[1]}=-VALUE` : first;
}

// Typed reads of parsed values

export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

export function flagOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

export function numberOption(values: OptionValues, name: string): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got '${raw}'`);
  return n;
}

export function integerOption(values: OptionValues, name: string): number | undefined {
  const n = numberOption(values, name);
  if (n !== undefined && !Number.isInteger(n))
    throw new UsageError(`--${name} expects a whole number, got '${stringOption(values, name)}'`);
  return n;
}

/** A `key=value` pair (the value may be empty, and may itself contain `=`). */
export function keyValue(option: string, raw: string): { key: string; value: string } {
  const at = raw.indexOf('=');
  if (at <= 0) throw new UsageError(`--${option} expects key=value, got '${raw}'`);
  return { key: raw.slice(0, at), value: raw.slice(at + 1) };
}
