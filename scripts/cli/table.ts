// Plain-text tables and aligned `label  value` blocks. Cells are made printable (control
// characters escaped), so a stored description cannot break the alignment or send
// escape sequences to the terminal.

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
}

/** One line per row under an upper-case header, columns two spaces apart; no trailing blanks. */
export function renderTable<T>(columns: Column<T>[], rows: T[]): string {
  const cells = [
    columns.map((c) => c.header.toUpperCase()),
    ...rows.map((row) => columns.map((c) => printable(c.value(row)))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => width(line[i]!))));
  return cells
    .map((line) =>
      line
        .map((cell, i) => {
          const last = i === line.length - 1;
          const pad = ' '.repeat(widths[i]! - width(cell));
          if (columns[i]!.align === 'right') return pad + cell;
          return last ? cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `label  value` lines with the values aligned; a list value continues on lines of its own. */
export function renderFields(fields: Array<[label: string, value: string | string[]]>): string {
  const labelWidth = Math.max(0, ...fields.map(([label]) => width(label)));
  const lines: string[] = [];
  for (const [label, value] of fields) {
    const values = Array.isArray(value) ? (value.length ? value : ['']) : [value];
    values.forEach((v, i) => {
      const head = i === 0 ? label + ' '.repeat(labelWidth - width(label)) : ' '.repeat(labelWidth);
      lines.push(`${head}  ${printable(v)}`.trimEnd());
    });
  }
  return lines.join('\n');
}

/** Control characters (newlines, ESC, …) written as JSON escapes. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Display width in code points (good enough for the ASCII-heavy values shown here). */
function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
