// The dispatcher: finds the group and command, prints help, parses the arguments, runs
// the command and turns what it throws into a message on stderr and an exit status.

import { AdminApiError } from '../lib/admin-client.ts';
import { flagOption, parseInvocation, splitWords, wantsHelp } from './args.ts';
import type { Command, Group } from './command.ts';
import { adminClient, REQUEST_TIMEOUT_MS, resolveConnection, type Connection } from './connection.ts';
import { endpointGroup } from './endpoint/commands.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
import { commandHelp, groupHelp, PROGRAM, programHelp, usageLine } from './help.ts';
import { keyGroup } from './key/commands.ts';
import { Output, type Io } from './output.ts';

export const GROUPS: Group[] = [endpointGroup, keyGroup];

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  io: Io;
}

/** Runs one command line (without the program name); resolves to the exit status. */
export async function runCli(argv: string[], { env, io }: RunOptions): Promise<number> {
  const out = new Output(io, false);
  let { words, rest } = splitWords(argv);
  if (words[0] === 'help') {
    // `edge-router help [group [command]]` is `--help` at that level.
    ({ words, rest } = splitWords(argv.slice(1)));
    rest = [...rest, '--help'];
  }
  const help = wantsHelp(rest);

  const [groupName, commandName] = words;
  if (groupName === undefined) return helpOrUsage(out, help, programHelp(GROUPS), null);
  const group = GROUPS.find((g) => g.name === groupName);
  if (!group) return helpOrUsage(out, false, programHelp(GROUPS), `unknown command group '${groupName}'`);
  if (commandName === undefined) return helpOrUsage(out, help, groupHelp(group), null);
  const command = group.commands.find((c) => c.name === commandName);
  if (!command) return helpOrUsage(out, false, groupHelp(group), `unknown ${group.name} command '${commandName}'`);
  if (help) {
    out.print(commandHelp(group, command));
    return EXIT_OK;
  }
  return runCommand(group, command, rest, env, io);
}

async function runCommand(
  group: Group,
  command: Command,
  rest: string[],
  env: NodeJS.ProcessEnv,
  io: Io,
): Promise<number> {
  let conn: Connection | null = null;
  const plain = new Output(io, false);
  try {
    const inv = parseInvocation(rest, command.options, command.positionals);
    const out = new Output(io, flagOption(inv.values, 'json'));
    const resolved = resolveConnection(inv.values, env);
    conn = resolved;
    await command.run({ out, client: () => adminClient(resolved) }, inv);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) {
      plain.error(`${PROGRAM}: ${err.message}`);
      if (err.showUsage)
        plain.error(
          `${usageLine(group, command)}\nRun '${PROGRAM} ${group.name} ${command.name} --help' for its options.`,
        );
      return EXIT_USAGE;
    }
    plain.error(`${PROGRAM}: ${describeFailure(err, conn?.url)}`);
    return EXIT_FAILURE;
  }
}

/** With --help: the text on stdout, exit 0. Otherwise a usage error: the text on stderr, exit 2. */
function helpOrUsage(out: Output, help: boolean, text: string, problem: string | null): number {
  if (help) {
    out.print(text);
    return EXIT_OK;
  }
  out.error(problem ? `${PROGRAM}: ${problem}\n\n${text}` : text);
  return EXIT_USAGE;
}

/**
 * What went wrong: one line with the API's own message and status, or why the router was not reached.
 * A validation refusal that found several problems adds every one of them (the first included), a line each.
 */
export function describeFailure(err: unknown, url: string | undefined): string {
  if (err instanceof AdminApiError) {
    const headline = `${err.apiMessage} (HTTP ${err.status}${err.code ? `, ${err.code}` : ''})`;
    // A single problem is the headline's message already.
    const [first] = err.issues;
    const listed = err.issues.length > 1 || (first !== undefined && first.message !== err.apiMessage);
    return listed ? [headline, ...err.issues.map((issue) => `  ${issue.message}`)].join('\n') : headline;
  }
  if (err instanceof Error && err.name === 'TimeoutError') {
    return `the router at ${url} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  if (err instanceof TypeError && err.message === 'fetch failed') {
    const cause = err.cause as { code?: string; message?: string } | undefined;
    return `cannot reach the router at ${url}: ${cause?.code ?? cause?.message ?? err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
