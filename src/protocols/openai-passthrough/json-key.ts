import { isSpace } from '../shared/error-data';

export const USAGE_KEY = '"usage"';
export const CHOICES_KEY = '"choices"';
/** `keyOpening`'s openers: an object, and an array that starts with an object. */
export const OBJECT = ':{';
export const OBJECTS = ':[{';

/**
 * Where `key` (a quoted JSON key, `"usage"`) next opens a value that starts with `opener`'s characters in
 * `text`, at or after `from`: `"usage":{` as vLLM, SGLang and llama.cpp write it, and `"usage": {` as Python's
 * `json.dumps` does (llama-cpp-python's server streams its chunks so), any JSON whitespace around the colon and
 * between the opener's characters. -1 when there is none. `opener` is the characters after the key, colon first:
 * `:{` for an object, `:[{` for an array of objects.
 *
 * The native string search finds the key; only its occurrences are looked at. Text inside a string value cannot
 * match: its quotes are escaped there (`\"usage\"`, which does not contain `"usage"`), and a string value that
 * is the key's word (`"usage"`) is followed by `,`, `}` or `]`, never a colon.
 */
export function keyOpening(text: string, key: string, opener: string, from = 0): number {
  for (let at = text.indexOf(key, from); at !== -1; at = text.indexOf(key, at + 1)) {
    if (opensAt(text, at + key.length, opener)) return at;
  }
  return -1;
}

/** `text` from `i` holds `opener`'s characters in order, with whitespace allowed before each. */
function opensAt(text: string, i: number, opener: string): boolean {
  for (let k = 0; k < opener.length; k++, i++) {
    while (isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== opener.charCodeAt(k)) return false;
  }
  return true;
}
