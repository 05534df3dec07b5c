import { errorEvent } from '../openai/error-body';
import { tokenCountsOf } from '../openai/usage';
import type { TokenCounts } from '../shared/stream-codec';
import type { StreamScanner } from '../shared/stream-scanner';
import { ERROR_LINE } from '../shared/error-data';
import { announcesRole } from './announces-role';
import { CHOICES_KEY, keyOpening, OBJECT, OBJECTS, USAGE_KEY } from './json-key';

interface LinePrefix {
  text: string;
  afterBreak: string;
}
const linePrefixes = (...texts: string[]): LinePrefix[] => texts.map((text) => ({ text, afterBreak: `\n${text}` }));
const DONE_LINES = linePrefixes('data: [DONE]', 'data:[DONE]');

/**
 * Reads an OpenAI-style stream (vLLM, SGLang, llama.cpp) that goes to the client as the
 * origin wrote it: the usage from the last line with a `"usage"` object, content chunks counted as
 * a fallback (one per token, as OpenAIPassthroughCodec counts them), `[DONE]`, and error
 * events. It looks at each batch with the runtime's native string search and parses only
 * the line that carries usage (once a batch at most), so its cost is per batch, not per event.
 * It changes nothing: an origin's error event reaches the client as the origin wrote it.
 */
export class OpenAIPassthroughScanner implements StreamScanner {
  private readonly decoder = new TextDecoder();
  /** The last line of what came so far, not complete yet. */
  private carry = '';
  private reported: TokenCounts | null = null;
  private counted = 0;
  complete = false;
  errored = false;

  get usage(): TokenCounts {
    return this.reported ?? { promptTokens: 0, completionTokens: this.counted };
  }

  push(chunk: Uint8Array): void {
    const text = this.carry + this.decoder.decode(chunk, { stream: true });
    const cut = text.lastIndexOf('\n') + 1;
    this.carry = text.slice(cut);
    if (cut > 0) this.lines(text, cut);
  }

  end(): string {
    const rest = this.carry + this.decoder.decode();
    this.carry = '';
    if (rest) this.lines(rest, rest.length);
    if (this.complete || this.errored) return '';
    return this.fail('The origin ended the stream before the response was complete', 'origin_stream_truncated');
  }

  fail(message: string, code: string): string {
    if (this.errored) return '';
    this.errored = true;
    return errorEvent(message, code) + 'data: [DONE]\n\n';
  }

  /** The whole lines `text[0, end)` (`end` is a line start). */
  private lines(text: string, end: number): void {
    let usage = -1;
    for (let at = keyOpening(text, USAGE_KEY, OBJECT); at !== -1 && at < end;) {
      usage = at;
      at = keyOpening(text, USAGE_KEY, OBJECT, at + 1);
    }
    for (let at = keyOpening(text, CHOICES_KEY, OBJECTS); at !== -1 && at < end;) {
      if (this.counted > 0 || !announcesRole(dataOf(lineAt(text, at, end)))) this.counted++;
      at = keyOpening(text, CHOICES_KEY, OBJECTS, at + 1);
    }
    if (usage !== -1) this.readUsage(dataOf(lineAt(text, usage, end)));
    if (!this.errored && opensError(text, end)) this.errored = true;
    if (!this.complete && DONE_LINES.some((line) => startsLine(text, line, end))) this.complete = true;
  }

  private readUsage(data: string): void {
    try {
      const chunk = JSON.parse(data) as { usage?: unknown };
      this.reported = tokenCountsOf(chunk.usage) ?? this.reported;
    } catch {
      // not one JSON line: the counted chunks stand
    }
  }
}

/** The line around `text[at]`, within `text[0, end)`, without its line break. */
function lineAt(text: string, at: number, end: number): string {
  const start = text.lastIndexOf('\n', at) + 1;
  let stop = text.indexOf('\n', at);
  if (stop === -1 || stop > end) stop = end;
  if (stop > start && text.charCodeAt(stop - 1) === 0x0d) stop--;
  return text.slice(start, stop);
}

/** A `data:` line's value (one optional space after the colon, as SSE reads it). */
function dataOf(line: string): string {
  if (!line.startsWith('data:')) return line;
  return line.slice(line.charCodeAt(5) === 0x20 ? 6 : 5);
}

/**
 * Does a line of `text[0, end)` open an in-stream error (vLLM's `data: {"error": …}`, spaced JSON too, or an SSE
 * `event: error`)? Native searches first: a batch with neither `"error"` nor `event:` in it has none, and the
 * regular expression runs only on one that does (a token's own quotes are escaped, `\"error\"`, so text does not).
 */
function opensError(text: string, end: number): boolean {
  if (text.indexOf('"error"') === -1 && text.indexOf('event:') === -1) return false;
  const line = ERROR_LINE.exec(text);
  return line !== null && line.index + line[0].length <= end;
}

/** Does a line of `text[0, end)` start with `prefix`? (`prefix` as LinePrefix gives it with its line break.) */
function startsLine(text: string, prefix: LinePrefix, end: number): boolean {
  if (text.startsWith(prefix.text)) return true;
  const at = text.indexOf(prefix.afterBreak);
  return at !== -1 && at + prefix.afterBreak.length <= end;
}
