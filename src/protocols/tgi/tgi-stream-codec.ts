import { SseParser } from '../sse-parser';
import type { StreamCodec, TokenCounts } from '../stream-codec';
import { tgiErrorEvent } from './error-event';
import type { TgiStreamEvent } from './generate-schema';

/**
 * A TGI origin's `/generate_stream`, relayed to a TGI client: events pass as they
 * are (`data:{json}`, keep-alive comments too). The codec watches for the final
 * event (it carries `generated_text`) to know the answer is complete, counts
 * token events, and reads the token counts from the final event's details. An
 * in-stream error passes through; a stream that ends before the final event
 * gets TGI's own `incomplete_generation_stream` error.
 */
export class TgiStreamCodec implements StreamCodec {
  private readonly parser = new SseParser();

  /** `clientWantsDetails` false: the router asked the origin for details (for token counts); they are removed again. */
  constructor(private readonly clientWantsDetails: boolean) {}

  private tokens = 0;
  private reported: TokenCounts | null = null;
  complete = false;
  errored = false;

  get usage(): TokenCounts {
    return this.reported ?? { promptTokens: 0, completionTokens: this.tokens };
  }

  push(text: string): string {
    let out = '';
    for (const event of this.parser.push(text)) {
      out += event.kind === 'comment' ? `:${event.text}\n\n` : this.onData(event.data);
    }
    return out;
  }

  end(): string {
    let out = '';
    for (const event of this.parser.flush()) if (event.kind === 'data') out += this.onData(event.data);
    if (this.complete || this.errored) return out;
    return out + this.fail('The origin ended the stream before the final event', 'incomplete_generation_stream');
  }

  fail(message: string, code: string): string {
    if (this.errored) return '';
    this.errored = true;
    return tgiErrorEvent(message, code === 'incomplete_generation_stream' ? code : 'generation');
  }

  private onData(data: string): string {
    if (this.errored || this.complete) return '';
    if (data.startsWith('{"error"')) {
      this.errored = true;
      return `data:${data}\n\n`;
    }
    this.tokens++;
    const out = data.includes('"generated_text":null') ? data : this.readFinal(data);
    return `data:${out}\n\n`;
  }

  private readFinal(data: string): string {
    try {
      const event = JSON.parse(data) as TgiStreamEvent;
      if (typeof event.generated_text !== 'string') return data;
      this.complete = true;
      if (!event.details) return data;
      this.reported = { promptTokens: event.details.input_length ?? 0, completionTokens: event.details.generated_tokens };
      return this.clientWantsDetails ? data : JSON.stringify({ ...event, details: null });
    } catch {
      return data; // Not JSON: passed through as it came; the client's parser will say so.
    }
  }
}
