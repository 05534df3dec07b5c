import { errorEvent } from '../openai/error-body';
import { SseParser } from './sse-parser';
import type { StreamCodec, TokenCounts } from './stream-codec';
import { tgiErrorEvent } from '../tgi/events';

/**
 * What every stream codec shares: parse the origin's SSE as it arrives, pass
 * keep-alive comments through, hand each data event to `onData`, and at the end
 * report a stream that stopped before its answer was complete. Subclasses say
 * how an event is re-framed and how a failure is told in the client's protocol.
 */
export abstract class SseCodec implements StreamCodec {
  private readonly parser = new SseParser();
  /** Token counts the origin reported, if it did. */
  protected reported: TokenCounts | null = null;
  /** Completion tokens (or content chunks) counted on the way, for when it did not. */
  protected counted = 0;
  complete = false;
  errored = false;
  /** A provider's redactor (see `redactOrigin`), or null: a self-hosted origin's text is read as it came. */
  private redact: ((text: string) => string) | null = null;

  get usage(): TokenCounts {
    return this.reported ?? { promptTokens: 0, completionTokens: this.counted };
  }

  redactOrigin(redact: (text: string) => string): void {
    this.redact = redact;
  }

  push(text: string): string {
    let out = '';
    for (const event of this.parser.push(text))
      out +=
        event.kind === 'comment'
          ? `:${this.fromOrigin(event.text)}\n\n`
          : this.onData(this.fromOrigin(event.data), event.event);
    return out;
  }

  end(): string {
    let out = '';
    for (const event of this.parser.flush())
      if (event.kind === 'data') out += this.onData(this.fromOrigin(event.data), event.event);
    out += this.flush();
    if (this.complete || this.errored) return out;
    return out + this.fail(this.truncatedMessage, this.truncatedCode);
  }

  /** An event's text as the codec may read it: with a provider's key cut out, before anything parses or shortens it. */
  private fromOrigin(text: string): string {
    return this.redact === null ? text : this.redact(text);
  }

  /** The failure, in the client's protocol (once; later calls send nothing). */
  abstract fail(message: string, code: string): string;

  /** One data event from the origin → what the client gets (possibly nothing). */
  protected abstract onData(data: string, eventName?: string): string;

  /** Whatever a codec still holds back when the origin ends normally (e.g. a final event waiting for usage). */
  protected flush(): string {
    return '';
  }

  protected abstract readonly truncatedMessage: string;
  protected abstract readonly truncatedCode: string;
}

/** Codecs whose client speaks OpenAI: failures are `data: {"error":{…}}` then `[DONE]`. */
export abstract class OpenAISseCodec extends SseCodec {
  protected readonly truncatedMessage = 'The origin ended the stream before the response was complete';
  protected readonly truncatedCode = 'origin_stream_truncated';

  fail(message: string, code: string): string {
    if (this.errored) return '';
    this.errored = true;
    return errorEvent(message, code) + 'data: [DONE]\n\n';
  }
}

/** Codecs whose client speaks TGI: failures are `data:{"error":…,"error_type":…}`. */
export abstract class TgiSseCodec extends SseCodec {
  protected readonly truncatedMessage = 'The origin ended the stream before the final event';
  protected readonly truncatedCode = 'incomplete_generation_stream';

  fail(message: string, code: string): string {
    if (this.errored || this.complete) return '';
    this.errored = true;
    return tgiErrorEvent(message, code === 'incomplete_generation_stream' ? code : 'generation');
  }
}
