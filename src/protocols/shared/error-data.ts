/**
 * Whether an SSE event's data is an origin's error object: `{"error"…` as vLLM, SGLang,
 * llama.cpp and TGI write it (compact JSON), or with whitespace after the brace
 * (`{ "error": …}`, as a server that pretty-prints or hand-writes its JSON does).
 * The compact form is one `startsWith`; the regular expression runs only when the
 * character after the brace is whitespace.
 */
export function isErrorData(data: string): boolean {
  if (data.startsWith(ERROR_START)) return true;
  return data.charCodeAt(0) === BRACE && isSpace(data.charCodeAt(1)) && SPACED_ERROR.test(data);
}

/** `{ "error":` with whitespace around the key, at the start of a data value. */
export const SPACED_ERROR = /^\{\s+"error"\s*:/;

/**
 * A line that opens an in-stream error, anywhere in a text of many events: `data: {"error"…`
 * (with or without the space after `data:`, whitespace allowed after the brace) or `event: error`.
 */
export const ERROR_LINE = /^(?:data: ?\{\s*"error"\s*:|event: ?error\b)/m;

const ERROR_START = '{"error"';
const BRACE = 0x7b;

/** Space, tab, line feed or carriage return: JSON's whitespace. */
export function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
