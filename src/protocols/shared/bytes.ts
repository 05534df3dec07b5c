/** Byte-level helpers for stream codecs that pass SSE through without decoding it. */

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Index of `pattern` in `buf[from, to)`, or -1. */
export function indexOfBytes(buf: Uint8Array, pattern: Uint8Array, from: number, to: number): number {
  const first = pattern[0]!;
  const n = pattern.length;
  for (let i = buf.indexOf(first, from); i !== -1 && i + n <= to; i = buf.indexOf(first, i + 1)) {
    let j = 1;
    while (j < n && buf[i + j] === pattern[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

/** True when `buf` holds `pattern` at `at`. */
export function bytesAt(buf: Uint8Array, pattern: Uint8Array, at: number): boolean {
  if (at + pattern.length > buf.length) return false;
  for (let j = 0; j < pattern.length; j++) if (buf[at + j] !== pattern[j]) return false;
  return true;
}

/** One array of all the parts (the single part itself when there is one). */
export function concatBytes(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const EMPTY_BYTES = new Uint8Array(0);
