// Plain-text tables for the terminal (also valid Markdown: pipes and a header rule).

export interface Column {
  title: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: Column[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '| ' +
    cells
      .map((cell, i) => (columns[i]?.align === 'left' ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join(' | ') +
    ' |';
  const rule =
    '|' +
    widths.map((w, i) => (columns[i]?.align === 'left' ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') +
    '|';
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join('\n');
}

/** Milliseconds with 2 decimals (3 below 1 ms when `fine`); '-' for missing. */
export function ms(v: number | null | undefined, fine = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return v.toFixed(fine && Math.abs(v) < 1 ? 3 : 2);
}

export function signed(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return (v >= 0 ? '+' : '') + v.toFixed(2);
}

export function int(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return Math.round(v).toString();
}
