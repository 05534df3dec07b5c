// Help text for the whole CLI, a group and a command.

import { GLOBAL_OPTIONS } from './args.ts';
import type { Command, Group, OptionSpec } from './command.ts';

export const PROGRAM = 'edge-router';

export function programHelp(groups: Group[]): string {
  const rows = groups.flatMap((g) =>
    g.commands.map((c) => [`${g.name} ${c.name} ${positionalsText(c)}`.trimEnd(), c.summary] as const),
  );
  return [
    `${PROGRAM}: manage the edge LLM router's endpoints and API keys through its admin API.`,
    '',
    `Usage: ${PROGRAM} <group> <command> [arguments] [options]`,
    '',
    'Commands:',
    ...twoColumns(rows),
    '',
    'Global options (any position):',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    `Output is a table or a summary; --json prints the API's JSON answer unchanged.`,
    'Exit status: 0 done, 1 the API refused or the router was unreachable (message on stderr), 2 usage error.',
    `Run '${PROGRAM} <group> --help' or '${PROGRAM} <group> <command> --help' for details.`,
  ].join('\n');
}

export function groupHelp(group: Group): string {
  return [
    `Usage: ${PROGRAM} ${group.name} <command> [arguments] [options]`,
    '',
    group.summary,
    '',
    'Commands:',
    ...twoColumns(group.commands.map((c) => [`${c.name} ${positionalsText(c)}`.trimEnd(), c.summary] as const)),
    '',
    `Run '${PROGRAM} ${group.name} <command> --help' for a command's options.`,
  ].join('\n');
}

export function commandHelp(group: Group, command: Command): string {
  const lines = [usageLine(group, command), '', command.summary];
  if (command.description) lines.push('', command.description);
  if (Object.keys(command.options).length) lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export function usageLine(group: Group, command: Command): string {
  return `Usage: ${PROGRAM} ${group.name} ${command.name} ${command.usage}`.trimEnd();
}

function positionalsText(command: Command): string {
  return command.positionals.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`)).join(' ');
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  return twoColumns(
    Object.entries(options).map(([name, spec]) => {
      const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
      return [flag, spec.help + (spec.multiple ? ' (repeatable)' : '')] as const;
    }),
  );
}

function twoColumns(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const w = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(w)}  ${right}`);
}
