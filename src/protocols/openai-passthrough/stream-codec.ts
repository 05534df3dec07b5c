import { OpenAISseCodec } from '../shared/sse-codec';
import { bytesAt, concatBytes, EMPTY_BYTES, indexOfBytes, utf8 } from '../shared/bytes';
import { originErrorMessage } from '../openai/error-body';
import { tokenCountsOf } from '../openai/usage';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const BRACE = 0x7b;
const DATA = utf8('data: ');
const ERROR_START = utf8('{"error"');
const USAGE = utf8('"usage":{');
const CHOICES = utf8('"choices":[{');
const MODEL_KEY = utf8('"model"');
const EVENT_DECODER = new TextDecoder();

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
 * `pushBytes` does the same without decoding the stream: an ordinary content event
 * (`data: {…}` on one line) is passed through as bytes, its `"model":"<origin id>"`
 * replaced in place and its content chunk counted; only the events that need more
 * (usage, an error, `[DONE]`, another model id, other fields or framing) are decoded
 * and go through the text path above, one event at a time, so both paths give the
 * same output. A stream framed with CRLF goes the text path from there on.
 */
export class OpenAIPassthroughCodec extends OpenAISseCodec {
  private readonly modelFrom: string;
  private readonly modelTo: string;
  private readonly modelFromBytes: Uint8Array;
  private readonly modelToBytes: Uint8Array;
  /** Bytes of an event not complete yet. */
  private tail: Uint8Array = EMPTY_BYTES;
  /** CRLF framing seen: every later chunk goes the text path. */
  private textMode = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly opts: OpenAIPassthroughOptions) {
    super();
    this.modelFrom = `"model":${JSON.stringify(opts.originModel)}`;
    this.modelTo = `"model":${JSON.stringify(opts.endpointName)}`;
    this.modelFromBytes = utf8(this.modelFrom);
    this.modelToBytes = utf8(this.modelTo);
  }

  pushBytes(chunk: Uint8Array): Uint8Array {
    if (this.textMode) return utf8(this.push(this.decoder.decode(chunk, { stream: true })));
    const buf = this.tail.length ? concatBytes([this.tail, chunk], this.tail.length + chunk.length) : chunk;
    this.tail = EMPTY_BYTES;
    if (buf.indexOf(CR) !== -1) {
      this.textMode = true;
      return utf8(this.push(this.decoder.decode(buf, { stream: true })));
    }
    const parts: Uint8Array[] = [];
    let length = 0;
    const emit = (part: Uint8Array) => {
      if (part.length) {
        parts.push(part);
        length += part.length;
      }
    };
    let pos = 0;
    for (let end = eventEnd(buf, pos); end !== -1; end = eventEnd(buf, pos)) {
      this.eventBytes(buf, pos, end, emit);
      pos = end + 2;
    }
    if (pos < buf.length) this.tail = buf.slice(pos);
    return length ? concatBytes(parts, length) : EMPTY_BYTES;
  }

  override end(): string {
    let out = '';
    if (this.tail.length) out = this.push(EVENT_DECODER.decode(this.tail));
    else if (this.textMode) out = this.push(this.decoder.decode());
    this.tail = EMPTY_BYTES;
    return out + super.end();
  }

  /** One event, `buf[start, end)` without its blank line. */
  private eventBytes(buf: Uint8Array, start: number, end: number, emit: (part: Uint8Array) => void): void {
    if (start === end) return;
    const singleLine = buf.indexOf(LF, start) === -1 || buf.indexOf(LF, start) >= end;
    if (buf[start] === COLON && singleLine) return emit(buf.subarray(start, end + 2)); // a comment (keep-alive)
    const p = start + DATA.length;
    // Anything but one ordinary `data: {…}` line: the text path.
    if (
      this.errored ||
      !singleLine ||
      !bytesAt(buf, DATA, start) ||
      buf[p] !== BRACE ||
      bytesAt(buf, ERROR_START, p) ||
      indexOfBytes(buf, USAGE, p, end) !== -1
    ) {
      return emit(utf8(this.push(EVENT_DECODER.decode(buf.subarray(start, end + 2)))));
    }
    const model = indexOfBytes(buf, this.modelFromBytes, p, end);
    if (model === -1 && indexOfBytes(buf, MODEL_KEY, p, end) !== -1)
      return emit(utf8(this.push(EVENT_DECODER.decode(buf.subarray(start, end + 2)))));
    if (
      indexOfBytes(buf, CHOICES, p, end) !== -1 &&
      (this.counted > 0 || !announcesRole(EVENT_DECODER.decode(buf.subarray(p, end))))
    )
      this.counted++;
    if (model === -1) return emit(buf.subarray(start, end + 2));
    emit(buf.subarray(start, model));
    emit(this.modelToBytes);
    emit(buf.subarray(model + this.modelFromBytes.length, end + 2));
  }

  protected onData(data: string, eventName?: string): string {
    if (this.errored) return '';
    if (data === '[DONE]') {
      this.complete = true;
      return 'data: [DONE]\n\n';
    }
    if (eventName === 'error' || data.startsWith('{"error"')) {
      return this.fail(`Origin error: ${originErrorMessage(data)}`, 'origin_error');
    }
    if (data.includes('"usage":{')) {
      const usageOnly = this.readUsage(data);
      if (usageOnly && !this.opts.clientWantsUsage) return '';
    } else if (data.includes('"choices":[{') && (this.counted > 0 || !announcesRole(data))) {
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
      if (typeof chunk.model !== 'string') return data;
      chunk.model = this.opts.endpointName;
      return JSON.stringify(chunk);
    } catch {
      return data;
    }
  }
}

/**
 * A chunk that only announces the assistant's role (vLLM, SGLang, OpenAI and llama.cpp open
 * a stream with one: `"delta":{"role":"assistant","content":""}`): it carries no token. Read
 * only until the first chunk is counted, so once per stream.
 */
function announcesRole(data: string): boolean {
  try {
    const chunk = JSON.parse(data) as { choices?: Array<{ delta?: Record<string, unknown>; finish_reason?: unknown }> };
    return (
      !!chunk.choices?.length &&
      chunk.choices.every(
        (c) =>
          c.finish_reason == null &&
          typeof c.delta?.role === 'string' &&
          Object.entries(c.delta).every(([k, v]) => k === 'role' || v === '' || v === null),
      )
    );
  } catch {
    return false;
  }
}

/** Where the event starting at `from` ends: the index of the first LF of its blank line, or -1. */
function eventEnd(buf: Uint8Array, from: number): number {
  for (let i = buf.indexOf(LF, from); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (i + 1 >= buf.length) return -1;
    if (buf[i + 1] === LF) return i;
  }
  return -1;
}
