import { tokenCountsOf } from '../openai/usage';
import type { TokenCounts } from '../shared/stream-codec';

/** A non-streaming OpenAI-style answer with the endpoint's name as `model`, and its usage. */
export function openaiPassthroughResponse(json: unknown, endpointName: string): { body: unknown; usage: TokenCounts } {
  const response = (json ?? {}) as { model?: unknown; usage?: unknown };
  if (typeof response === 'object' && 'model' in response) response.model = endpointName;
  return { body: response, usage: tokenCountsOf(response.usage) ?? { promptTokens: 0, completionTokens: 0 } };
}

/**
 * The same as `openaiPassthroughResponse`, on the origin's text: `"model":"<origin id>"`
 * replaced in place and the usage counts read where they stand, without parsing the
 * answer. Only for the shape vLLM, SGLang, llama.cpp and OpenAI send: an object whose
 * one `"model"` key is the origin's id, and at most one `"usage":{…}` holding each count
 * once as a plain integer (keys in text that is JSON-escaped, inside a string, cannot
 * match). Anything else is undefined, and goes the parsing path.
 */
export function openaiPassthroughText(
  text: string,
  modelFrom: string,
  modelTo: string,
): { body: string; usage: TokenCounts } | undefined {
  const trimmed = text.trimEnd();
  if (text.charCodeAt(0) !== BRACE || trimmed.charCodeAt(trimmed.length - 1) !== CLOSE_BRACE) return undefined;
  const model = text.indexOf(modelFrom);
  if (model === -1 || text.indexOf(MODEL_KEY) !== model || text.indexOf(MODEL_KEY, model + 1) !== -1) return undefined;
  let usage: TokenCounts = { promptTokens: 0, completionTokens: 0 };
  const usageAt = text.indexOf(USAGE_KEY);
  if (usageAt !== -1) {
    if (!text.startsWith(USAGE_OBJECT, usageAt) || text.indexOf(USAGE_KEY, usageAt + 1) !== -1) return undefined;
    const usageEnd = objectEnd(text, usageAt + USAGE_OBJECT.length - 1);
    if (usageEnd === -1) return undefined;
    const promptTokens = countWithin(text, PROMPT_TOKENS, usageAt, usageEnd);
    const completionTokens = countWithin(text, COMPLETION_TOKENS, usageAt, usageEnd);
    if (promptTokens === undefined || completionTokens === undefined) return undefined;
    usage = { promptTokens, completionTokens };
  }
  return { body: text.slice(0, model) + modelTo + text.slice(model + modelFrom.length), usage };
}

const BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MODEL_KEY = '"model"';
const USAGE_KEY = '"usage"';
const USAGE_OBJECT = '"usage":{';
const PROMPT_TOKENS = '"prompt_tokens":';
const COMPLETION_TOKENS = '"completion_tokens":';

/**
 * The integer after `key`, which must occur in `text` once at most, between `from` and
 * `to` (in the usage object); 0 when it does not occur (as the parsing path reads a missing
 * count), undefined when it occurs elsewhere or its value is anything but a plain integer.
 */
function countWithin(text: string, key: string, from: number, to: number): number | undefined {
  const at = text.indexOf(key);
  if (at === -1) return 0;
  if (at < from || at > to || text.indexOf(key, at + 1) !== -1) return undefined;
  const start = at + key.length;
  let end = start;
  let n = 0;
  for (let c = text.charCodeAt(end); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++end)) n = n * 10 + c - 0x30;
  const next = text.charCodeAt(end);
  return end > start && end - start <= 15 && (next === COMMA || next === CLOSE_BRACE) ? n : undefined;
}

/** Where the object opening at `open` closes (nested objects and strings skipped), or -1. */
function objectEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BRACE) depth++;
    else if (c === CLOSE_BRACE && --depth === 0) return i;
    else if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    }
  }
  return -1;
}
