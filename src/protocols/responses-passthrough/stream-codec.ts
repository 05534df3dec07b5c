import { originErrorMessage } from '../openai/error-body';
import { SseCodec } from '../shared/sse-codec';

interface OriginEvent {
  type?: string;
  sequence_number?: number;
  response?: { model?: unknown; usage?: { input_tokens?: number; output_tokens?: number } | null } & Record<
    string,
    unknown
  >;
}

/**
 * A Responses stream from an origin that serves `/v1/responses` itself (vLLM),
 * passed through event by event: `model` in each embedded response becomes the
 * endpoint's name, usage is read from `response.completed` / `response.incomplete`,
 * and a stream that ends before either is reported with `response.failed` and an
 * `error` event, numbered after the origin's last event.
 */
export class ResponsesPassthroughCodec extends SseCodec {
  protected readonly truncatedMessage = 'The origin ended the stream before the response was complete';
  protected readonly truncatedCode = 'origin_stream_truncated';
  private nextSequence = 0;
  private lastResponse: Record<string, unknown> = {};

  constructor(private readonly endpointName: string) {
    super();
  }

  protected onData(data: string, eventName?: string): string {
    if (this.errored || this.complete || data === '[DONE]') return '';
    let event: OriginEvent & { error?: unknown };
    try {
      event = JSON.parse(data) as OriginEvent;
    } catch {
      return this.fail(`The origin sent an event that is not JSON: ${data.slice(0, 200)}`, 'origin_error');
    }
    if (!event.type && event.error) return this.fail(`Origin error: ${originErrorMessage(data)}`, 'origin_error');
    const type = event.type ?? eventName ?? 'message';
    if (typeof event.sequence_number === 'number') this.nextSequence = event.sequence_number + 1;
    if (event.response) {
      event.response.model = this.endpointName;
      this.lastResponse = event.response;
    }
    if (type === 'response.output_text.delta') this.counted++;
    if (type === 'response.completed' || type === 'response.incomplete') {
      const usage = event.response?.usage;
      if (usage) this.reported = { promptTokens: usage.input_tokens ?? 0, completionTokens: usage.output_tokens ?? 0 };
      this.complete = true;
    } else if (type === 'error' || type === 'response.failed') {
      this.errored = true;
    }
    return `event: ${type}\ndata: ${JSON.stringify(event)}\n\n`;
  }

  fail(message: string, code: string): string {
    if (this.errored || this.complete) return '';
    this.errored = true;
    const failed = { ...this.lastResponse, status: 'failed', error: { code, message } };
    return this.frame('response.failed', { response: failed }) + this.frame('error', { code, message, param: null });
  }

  private frame(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.nextSequence++, ...fields })}\n\n`;
  }
}
