import { anthropicErrorEvent } from '../anthropic/events';
import type { AnthropicStreamEvent } from '../anthropic/types';
import { promptTokensOf } from '../anthropic/usage';
import { SseCodec } from '../shared/sse-codec';
import type { TokenCounts } from '../shared/stream-codec';

/**
 * Anthropic's Messages stream relayed to an Anthropic client event by event
 * (`event:` + `data:` as they came): `model` in `message_start` becomes the
 * endpoint's name; usage is read from `message_start` (input and cache tokens) and
 * `message_delta` (output tokens); content deltas pass without being parsed, and
 * are counted in case the stream ends before its usage. The provider's `error`
 * event passes through; a stream that ends before `message_stop` gets an Anthropic
 * `error` event.
 */
export class AnthropicPassthroughCodec extends SseCodec {
  protected readonly truncatedMessage = 'The provider ended the stream before the message was complete';
  protected readonly truncatedCode = 'origin_stream_truncated';
  private promptTokens = 0;
  private outputTokens = 0;

  constructor(private readonly endpointName: string) {
    super();
  }

  override get usage(): TokenCounts {
    return { promptTokens: this.promptTokens, completionTokens: Math.max(this.outputTokens, this.counted) };
  }

  fail(message: string, code: string): string {
    if (this.errored || this.complete) return '';
    this.errored = true;
    return anthropicErrorEvent(message, code);
  }

  protected onData(data: string, eventName?: string): string {
    if (this.errored || this.complete) return '';
    if (eventName === 'content_block_delta') {
      this.counted++;
      return frame(eventName, data);
    }
    let event: AnthropicStreamEvent;
    try {
      event = JSON.parse(data) as AnthropicStreamEvent;
    } catch {
      return this.fail(`The provider sent an event that is not JSON: ${data.slice(0, 200)}`, 'provider_error');
    }
    const type = (event && typeof event === 'object' ? event.type : undefined) ?? eventName ?? 'message';
    switch (type) {
      case 'message_start': {
        const start = event as Extract<AnthropicStreamEvent, { type: 'message_start' }>;
        if (!start.message) break;
        this.promptTokens = promptTokensOf(start.message.usage);
        this.outputTokens = start.message.usage?.output_tokens ?? 0;
        start.message.model = this.endpointName;
        return frame(type, JSON.stringify(event));
      }
      case 'content_block_delta':
        this.counted++;
        break;
      case 'message_delta': {
        const usage = (event as Extract<AnthropicStreamEvent, { type: 'message_delta' }>).usage;
        if (typeof usage?.output_tokens === 'number') this.outputTokens = usage.output_tokens;
        if (typeof usage?.input_tokens === 'number') this.promptTokens = promptTokensOf(usage);
        break;
      }
      case 'message_stop':
        this.complete = true;
        break;
      case 'error':
        this.errored = true;
        break;
    }
    return frame(type, data);
  }
}

function frame(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}
