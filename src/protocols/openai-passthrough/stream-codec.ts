import { isErrorData, isSpace } from '../shared/error-data';
import { OpenAISseCodec } from '../shared/sse-codec';
import { originErrorMessage } from '../openai/error-body';
import { tokenCountsOf } from '../openai/usage';
import { announcesRole } from './announces-role';
import { CHOICES_KEY, keyOpening, OBJECT, OBJECTS, USAGE_KEY } from './json-key';

const COLON = 0x3a;
const BRACE = 0x7b;
const LF = 0x0a;
const BOM_BYTES = 3;
const DATA = 'data: ';
const ERROR_START = '{"error"';
const MODEL_KEY = '"model"';
const ENCODER = new TextEncoder();
const EMPTY_BYTES = new Uint8Array(0);

export interface OpenAIPassthroughOptions {
  /** The model id the origin reports, replaced by the endpoint name the client asked for. */
  originModel: string;
  endpointName: string;
  /** The client asked for `stream_options.include_usage`; if not, the usage-only chunk the router asked for is dropped. */
  clientWantsUsage: boolean;
}

/**
 * OpenAI-style SSE from vLLM, SGLang, llama.cpp or TGI's Messages API, re-framed
 * as `data: {json}\n\n` with the endpoint's name as `model`. It reads usage from
 * the usage chunk, counts content chunks as a fallback (one per token, as vLLM sends
 * them; not the chunk that opens the stream announcing the role), turns in-stream origin
 * errors into OpenAI error events, and reports a stream that ends without
 * `[DONE]` as an error instead of a clean end.
 *
 * `pushBytes` does the same without parsing an ordinary content event (`data: {…}` on
 * one line): the chunk is decoded once, the event passes through as it came, its
 * `"model":"<origin id>"` replaced in place and its content chunk counted, found with
 * the runtime's native string search; only the events that need more (usage, an
 * error, `[DONE]`, another model id, other fields or framing) go through the SSE
 * parser and the text path above, one event at a time, so both paths give the same
 * output. A stream framed with CRLF goes the text path from there on.
 */
export class OpenAIPassthroughCodec extends OpenAISseCodec {
  private readonly modelFrom: string;
  private readonly modelTo: string;
  /** Text of an event not complete yet. */
  private pending = '';
  /** CRLF framing seen, or a provider's stream (see `redactOrigin`): every later chunk goes the text path. */
  private textMode = false;
  /** Decodes the stream as it comes: a character cut between two chunks waits for its other bytes. */
  private readonly decoder = new TextDecoder();
  private bytesIn = 0;
  /**
   * The decoder holds nothing back: the last chunk ended in an ASCII byte (no character cut in two), and the stream's
   * first bytes, where a byte-order mark (which decoding drops) would be, are behind it.
   */
  private clean = false;

  constructor(private readonly opts: OpenAIPassthroughOptions) {
    super();
    this.modelFrom = `"model":${JSON.stringify(opts.originModel)}`;
    this.modelTo = `"model":${JSON.stringify(opts.endpointName)}`;
  }

  /** A provider's stream goes the text path, where every event is redacted before it is read or relayed. */
  override redactOrigin(redact: (text: string) => string): void {
    super.redactOrigin(redact);
    this.textMode = true;
  }

  pushBytes(chunk: Uint8Array): Uint8Array {
    const carried = this.pending !== '';
    const text = this.pending + this.decoder.decode(chunk, { stream: true });
    this.pending = '';
    if (this.textMode || text.includes('\r')) {
      this.textMode = true;
      return encodeText(this.push(text));
    }
    // One search per pattern and chunk: each finds its next occurrence, reused by the events before it.
    const usage = new NextMatch(text, USAGE_KEY, OBJECT);
    const choices = new NextMatch(text, CHOICES_KEY, OBJECTS);
    let out = '';
    let pos = 0;
    for (let end = text.indexOf('\n\n', pos); end !== -1; end = text.indexOf('\n\n', pos)) {
      out += this.event(text, pos, end, usage, choices);
      pos = end + 2;
    }
    if (pos < text.length) this.pending = text.slice(pos);
    // Every event went out as it came (nothing renamed, dropped or re-framed) and the chunk held exactly them (no
    // text carried in, no bytes held back by the decoder from the chunk before, no byte-order mark it dropped): the
    // chunk's own bytes go out, not encoded again.
    const clean = this.clean;
    this.bytesIn += chunk.length;
    this.clean = this.bytesIn >= BOM_BYTES && (chunk[chunk.length - 1] ?? 0x80) < 0x80;
    if (out === text && clean && !carried && chunk[chunk.length - 1] === LF) return chunk;
    return encodeText(out);
  }

  override end(): string {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    return (rest ? this.push(rest) : '') + super.end();
  }

  /** One event, `text[start, end)` without its blank line, as the client gets it. */
  private event(text: string, start: number, end: number, usage: NextMatch, choices: NextMatch): string {
    if (start === end) return '';
    const lf = text.indexOf('\n', start);
    const singleLine = lf === -1 || lf >= end;
    const whole = () => text.slice(start, end + 2);
    if (text.charCodeAt(start) === COLON && singleLine) return whole(); // a comment (keep-alive)
    const p = start + DATA.length;
    // Anything but one ordinary `data: {…}` line: the text path.
    if (
      this.errored ||
      !singleLine ||
      !text.startsWith(DATA, start) ||
      text.charCodeAt(p) !== BRACE ||
      text.startsWith(ERROR_START, p) ||
      isSpace(text.charCodeAt(p + 1)) || // `{ "error": …}` and other spaced JSON: the text path reads it
      usage.within(p, end) !== -1
    ) {
      return this.push(whole());
    }
    const model = within(text, this.modelFrom, p, end);
    if (model === -1 && within(text, MODEL_KEY, p, end) !== -1) return this.push(whole());
    if (choices.within(p, end) !== -1 && (this.counted > 0 || !announcesRole(text.slice(p, end)))) this.counted++;
    if (model === -1) return whole();
    return text.slice(start, model) + this.modelTo + text.slice(model + this.modelFrom.length, end + 2);
  }

  protected onData(data: string, eventName?: string): string {
    if (this.errored) return '';
    if (data === '[DONE]') {
      this.complete = true;
      return 'data: [DONE]\n\n';
    }
    if (eventName === 'error' || isErrorData(data)) {
      return this.fail(`Origin error: ${originErrorMessage(data)}`, 'origin_error');
    }
    if (keyOpening(data, USAGE_KEY, OBJECT) !== -1) {
      const usageOnly = this.readUsage(data);
      if (usageOnly && !this.opts.clientWantsUsage) return '';
    } else if (keyOpening(data, CHOICES_KEY, OBJECTS) !== -1 && (this.counted > 0 || !announcesRole(data))) {
      this.counted++;
    }
    return `data: ${this.renameModel(data)}\n\n`;
  }

  /** Records the chunk's usage; returns true when the chunk carries nothing else (no choices). */
  private readUsage(data: string): boolean {
    try {
      const chunk = JSON.parse(data) as { usage?: unknown; choices?: unknown[] };
      this.reported = tokenCountsOf(chunk.usage) ?? this.reported;
      if (chunk.choices?.length) this.counted++;
      return !chunk.choices?.length;
    } catch {
      return false;
    }
  }

  private renameModel(data: string): string {
    if (data.includes(this.modelFrom)) return data.replace(this.modelFrom, this.modelTo);
    if (!data.includes('"model"')) return data;
    try {
      const chunk = JSON.parse(data) as { model?: unknown };
      if (typeof chunk.model !== 'string' || chunk.model === this.opts.endpointName) return data;
      chunk.model = this.opts.endpointName;
      return JSON.stringify(chunk);
    } catch {
      return data;
    }
  }
}

function encodeText(text: string): Uint8Array {
  return text ? ENCODER.encode(text) : EMPTY_BYTES;
}

/** Where `pattern` starts in `text[from, to)`, or -1. */
function within(text: string, pattern: string, from: number, to: number): number {
  const at = text.indexOf(pattern, from);
  return at !== -1 && at + pattern.length <= to ? at : -1;
}

/**
 * A key's occurrences in one chunk (where it opens an object, or an array of objects: see `keyOpening`), asked for
 * event by event in order: the next occurrence is searched for once and reused until an event reaches it, so a key
 * most events lack (usage) costs one scan per chunk, not one per event. An occurrence counts for the event it
 * starts in.
 */
class NextMatch {
  private at = -2; // not searched yet

  constructor(
    private readonly text: string,
    private readonly key: string,
    private readonly opener: string,
  ) {}

  within(from: number, to: number): number {
    if (this.at === -2 || (this.at !== -1 && this.at < from))
      this.at = keyOpening(this.text, this.key, this.opener, from);
    return this.at !== -1 && this.at < to ? this.at : -1;
  }
}
