/** The most characters of a client's name or id a message quotes (a `model`, or an id in a path, may be megabytes long). */
export const QUOTED_MAX = 100;

/**
 * A name or id sent by the client, as a message quotes it: whole up to QUOTED_MAX characters, else its first
 * QUOTED_MAX and '…' (one fewer when the cut would split a surrogate pair, which is not text).
 */
export function clip(text: string): string {
  if (text.length <= QUOTED_MAX) return text;
  const last = text.charCodeAt(QUOTED_MAX - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? QUOTED_MAX - 1 : QUOTED_MAX;
  return `${text.slice(0, end)}…`;
}
