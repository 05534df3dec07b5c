// The shape of a command and of a command group, as the dispatcher (run.ts) and the
// help renderer (help.ts) see them.

import type { AdminClient } from '../lib/admin-client.ts';
import type { Output } from './output.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Repeatable: the value is a list. */
  multiple?: boolean;
  short?: string;
  /** The value's placeholder in help, e.g. `URL`. */
  value?: string;
  help: string;
}

export interface PositionalSpec {
  name: string;
  optional?: boolean;
}

export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface Invocation {
  positionals: string[];
  values: OptionValues;
}

export interface Context {
  out: Output;
  /** The admin client; throws a UsageError when no admin token was given. */
  client(): AdminClient;
}

export interface Command {
  name: string;
  /** What follows the command words in the usage line, e.g. `<name> [options]`. */
  usage: string;
  summary: string;
  description?: string;
  positionals: PositionalSpec[];
  options: Record<string, OptionSpec>;
  examples?: string[];
  run(ctx: Context, inv: Invocation): Promise<void>;
}

export interface Group {
  name: string;
  summary: string;
  commands: Command[];
}
