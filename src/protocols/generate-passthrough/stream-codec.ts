import { isErrorData } from '../shared/error-data';
import { TgiSseCodec } from '../shared/sse-codec';
import type { TgiStreamEvent } from '../tgi/types';

/**
 * A TGI origin's `/generate_stream`, relayed to a TGI client: events pass as they
 * are (`data:{json}`, keep-alive comments too). The codec watches for the final
 * event (it carries `generated_text`) to know the answer is complete, counts
 * token events, and reads the token counts from the final event's details. An
 * in-stream error passes through; a stream that ends before the final event
 * gets TGI's own `incomplete_generation_stream` error.
 */
export class GeneratePassthroughCodec extends TgiSseCodec {
  /** `clientWantsDetails` false: the router asked the origin for details (for token counts); they are removed again. */
  constructor(private readonly clientWantsDetails: boolean) {
    super();
  }

  protected onData(data: string): string {
    if (this.errored || this.complete) return '';
    if (isErrorData(data)) {
      this.errored = true;
      return `data:${data}\n\n`;
    }
    this.counted++;
    const out = data.includes('"generated_text":null') ? data : this.readFinal(data);
    return `data:${out}\n\n`;
  }

  private readFinal(data: string): string {
    try {
      const event = JSON.parse(data) as TgiStreamEvent;
      if (typeof event.generated_text !== 'string') return data;
      this.complete = true;
      if (!event.details) return data;
      this.reported = {
        promptTokens: event.details.input_length ?? 0,
        completionTokens: event.details.generated_tokens,
      };
      return this.clientWantsDetails ? data : JSON.stringify({ ...event, details: null });
    } catch {
      return data; // Not JSON: passed through as it came; the client's parser will say so.
    }
  }
}
