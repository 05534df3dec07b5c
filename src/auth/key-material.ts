/** Key plaintext, its hash, and the short prefix shown in listings. */
const KEY_PREFIX = 'sk-rt-';

export function generateKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return KEY_PREFIX + base64url(bytes);
}

export function generateKeyId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return 'key_' + base64url(bytes);
}

export async function hashKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', ENCODER.encode(key));
  return toHex(new Uint8Array(digest));
}

/** What an operator sees of a key in listings: enough to recognise it, useless to call with. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Every request hashes its key: one table lookup per byte. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const ENCODER = new TextEncoder();

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b]!;
  return s;
}
