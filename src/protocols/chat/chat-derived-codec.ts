import type { ChatChunkBody, ChatToolCallDelta } from '../openai/chat-types';
import { originErrorMessage } from '../openai/error-body';
import { SseParser } from '../shared/sse-parser';
import type { StreamCodec, TokenCounts } from '../shared/stream-codec';

/** How the chat stream ended: the origin's finish reason and, from vLLM, the stop string that matched. */
export interface ChatFinish {
  reason: string | null;
  stopReason: unknown;
}

/**
 * The base of every codec whose client protocol is translated to chat (Responses,
 * Anthropic Messages). It wraps the chat path's own codec (which already fixed the
 * origin's quirks: TGI ids, finish reasons, in-stream errors, truncation), reads the
 * OpenAI chunks that codec writes, and hands subclasses one call per thing that
 * happened: text, a tool call starting, its arguments growing, the end (once the
 * usage chunk has been read), or a failure. Keep-alive comments pass through.
 */
export abstract class ChatDerivedCodec implements StreamCodec {
  private readonly parser = new SseParser();
  /** Tool calls by the chat stream's `index`, in the order they started. */
  private readonly tools = new Map<number, number>();
  private finish: ChatFinish = { reason: null, stopReason: null };
  /** Counts the chat chunks read: tells subclasses whether two things came in one chunk. */
  protected chunks = 0;
  complete = false;
  errored = false;

  constructor(
    private readonly inner: StreamCodec,
    /** Names output items, and tool calls the origin left without an id (TGI streams send `""`). */
    protected readonly requestId: string,
  ) {}

  get usage(): TokenCounts {
    return this.inner.usage;
  }

  /** The origin's stream is the inner codec's to read: it redacts, and this codec reads what it wrote. */
  redactOrigin(redact: (text: string) => string): void {
    this.inner.redactOrigin(redact);
  }

  push(text: string): string {
    return this.read(this.inner.push(text));
  }

  end(): string {
    const out = this.read(this.inner.end());
    if (this.complete || this.errored) return out;
    return out + this.fail('The origin ended the stream before the response was complete', 'origin_stream_truncated');
  }

  fail(message: string, code: string): string {
    if (this.errored || this.complete) return '';
    this.errored = true;
    return this.onFailure(message, code);
  }

  protected abstract onText(delta: string): string;
  /** A tool call starts: `slot` counts tool calls from 0 in the order they began. */
  protected abstract onToolCall(slot: number, id: string, name: string): string;
  protected abstract onToolArguments(slot: number, delta: string): string;
  /** The chat stream finished (`[DONE]`); `this.usage` holds the final counts. */
  protected abstract onFinish(finish: ChatFinish): string;
  protected abstract onFailure(message: string, code: string): string;

  private read(sse: string): string {
    let out = '';
    for (const event of this.parser.push(sse)) {
      if (this.complete || this.errored) break;
      if (event.kind === 'comment') out += `:${event.text}\n\n`;
      else if (event.data === '[DONE]') {
        this.complete = true;
        out += this.onFinish(this.finish);
      } else out += this.onChunk(event.data);
    }
    return out;
  }

  private onChunk(data: string): string {
    let chunk: ChatChunkBody & { error?: { message?: string; code?: string | null } };
    try {
      chunk = JSON.parse(data) as typeof chunk;
    } catch {
      return this.fail(`The origin sent an event that is not JSON: ${data.slice(0, 200)}`, 'origin_error');
    }
    if (chunk.error) return this.fail(originErrorMessage(data), chunk.error.code ?? 'origin_error');
    this.chunks++;
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice) return '';
    let out = '';
    if (choice.delta?.content) out += this.onText(choice.delta.content);
    for (const call of choice.delta?.tool_calls ?? []) out += this.onToolDelta(call);
    if (choice.finish_reason) this.finish = { reason: choice.finish_reason, stopReason: choice.stop_reason ?? null };
    return out;
  }

  private onToolDelta(call: ChatToolCallDelta): string {
    const index = call.index ?? 0;
    let slot = this.tools.get(index);
    let out = '';
    if (slot === undefined) {
      slot = this.tools.size;
      this.tools.set(index, slot);
      out += this.onToolCall(slot, toolCallId(call.id, this.requestId, slot), call.function?.name ?? '');
    }
    if (call.function?.arguments) out += this.onToolArguments(slot, call.function.arguments);
    return out;
  }
}

/**
 * A tool call's id as clients need it (unique, non-empty): the origin's, unless it
 * sent none or TGI's bare counter (`"0"`), which repeats in every answer.
 */
export function toolCallId(originId: string | undefined, requestId: string, slot: number): string {
  return originId && !/^\d*$/.test(originId) ? originId : `call_${requestId}_${slot}`;
}
