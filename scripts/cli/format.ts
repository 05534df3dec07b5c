// Small value formatters shared by the human views.

/** An ISO timestamp without milliseconds, with a space for the `T`: `2025-01-31 12:00:00Z`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/** Cuts text to `max` code points, ending with `…` when it was longer. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/** `-` for an empty value. */
export function orDash(text: string | null | undefined): string {
  return text ? text : '-';
}

/** A scalar default or option value: strings quoted (and cut), the rest as JSON. */
export function formatValue(value: unknown, max = 60): string {
  if (typeof value === 'string') {
    const quoted = JSON.stringify(truncate(value, max));
    return [...value].length > max ? `${quoted} (${[...value].length} chars)` : quoted;
  }
  return JSON.stringify(value);
}

/** An object's entries as `key=value` items, in the object's order. */
export function formatEntries(obj: object, max = 60): string[] {
  return Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${formatValue(v, max)}`);
}
