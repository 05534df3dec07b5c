import { anthropicErrorEvent, anthropicEvent } from '../anthropic/events';
import { ChatDerivedCodec, type ChatFinish } from '../chat/chat-derived-codec';
import type { StreamCodec } from '../shared/stream-codec';
import { mapChatFinishToAnthropic } from '../shared/map-chat-finish-reason';

export interface AnthropicOnChatOptions {
  id: string;
  endpointName: string;
  requestId: string;
  stops: readonly string[];
}

/**
 * The chat stream as Anthropic's: `message_start` and a `ping` first; one content
 * block per run of text (`content_block_start`, `text_delta`s, `content_block_stop`)
 * and per tool call (`tool_use`, `input_json_delta`s); then `message_delta` with
 * the stop reason and the usage (input tokens too: the chat stream reports them
 * only at its end) and `message_stop`. Failures are Anthropic `error` events.
 */
export class AnthropicOnChatCodec extends ChatDerivedCodec {
  private started = false;
  /** Index of the open content block and what it holds; -1 when none is open. */
  private open = { index: -1, kind: '' as 'text' | 'tool' | '' };
  private blocks = 0;
  private readonly toolBlocks: number[] = [];
  /**
   * Tool calls started while another tool block was open, not yet given a block: a
   * block opens when its call's arguments come in order (the next call's, once the
   * open one's are done, as vLLM streams them). Once a call's arguments arrive after a
   * later call started (an origin sending parallel calls out of order), every call
   * not yet open is kept here whole and sent as one block each at the end, so no
   * delta ever goes to a closed block.
   */
  private readonly deferred = new Map<number, { id: string; name: string; args: string }>();
  private newestSlot = -1;
  /** The chunk the newest tool call started in: two calls starting in one chunk mean an origin that sends them in parallel. */
  private newestChunk = -1;
  private outOfOrder = false;
  /** The end of the text so far, long enough to see a stop sequence TGI left there. */
  private tail = '';
  private readonly tailLength: number;

  constructor(
    inner: StreamCodec,
    private readonly opts: AnthropicOnChatOptions,
  ) {
    super(inner, opts.requestId);
    this.tailLength = Math.max(0, ...opts.stops.map((s) => s.length));
  }

  override push(text: string): string {
    return this.start() + super.push(text);
  }

  protected onText(delta: string): string {
    let out = '';
    if (this.open.kind !== 'text') out += this.openBlock('text', { type: 'text', text: '' });
    if (this.tailLength) this.tail = (this.tail + delta).slice(-this.tailLength);
    return (
      out +
      anthropicEvent('content_block_delta', { index: this.open.index, delta: { type: 'text_delta', text: delta } })
    );
  }

  protected onToolCall(slot: number, id: string, name: string): string {
    if (this.errored) return '';
    if (this.newestChunk === this.chunks) this.outOfOrder = true;
    this.newestSlot = slot;
    this.newestChunk = this.chunks;
    if (this.outOfOrder || this.open.kind === 'tool') {
      this.deferred.set(slot, { id, name, args: '' });
      return '';
    }
    return this.openToolBlock(slot, id, name);
  }

  protected onToolArguments(slot: number, delta: string): string {
    if (this.errored) return '';
    if (slot !== this.newestSlot) this.outOfOrder = true;
    const waiting = this.deferred.get(slot);
    if (waiting) {
      if (this.outOfOrder || this.deferred.size > 1) {
        this.outOfOrder = true;
        waiting.args += delta;
        return '';
      }
      // In order: the open call is done, this one streams from here.
      this.deferred.delete(slot);
      return this.openToolBlock(slot, waiting.id, waiting.name) + this.toolDelta(slot, waiting.args + delta);
    }
    if (this.open.kind === 'tool' && this.toolBlocks[slot] === this.open.index) return this.toolDelta(slot, delta);
    if (this.toolBlocks[slot] === undefined) return '';
    // Its block was closed already (text came in between): no valid event can carry it.
    return this.fail(
      'The origin sent tool call arguments after the tool call’s block had ended',
      'origin_stream_out_of_order',
    );
  }

  private openToolBlock(slot: number, id: string, name: string): string {
    const out = this.openBlock('tool', { type: 'tool_use', id, name, input: {} });
    this.toolBlocks[slot] = this.open.index;
    return out;
  }

  private toolDelta(slot: number, partial: string): string {
    if (partial === '') return '';
    return anthropicEvent('content_block_delta', {
      index: this.toolBlocks[slot],
      delta: { type: 'input_json_delta', partial_json: partial },
    });
  }

  /** The tool calls kept back, each as one whole block (start, its arguments in one delta if any, stop). */
  private flushDeferred(): string {
    let out = '';
    for (const [slot, call] of [...this.deferred].sort(([a], [b]) => a - b)) {
      out += this.openToolBlock(slot, call.id, call.name) + this.toolDelta(slot, call.args);
    }
    this.deferred.clear();
    return out + this.closeBlock();
  }

  protected onFinish(finish: ChatFinish): string {
    const blocks = this.start() + this.closeBlock() + this.flushDeferred();
    const stop = mapChatFinishToAnthropic(finish, this.tail, this.opts.stops, this.toolBlocks.length > 0);
    const usage = { input_tokens: this.usage.promptTokens, output_tokens: this.usage.completionTokens };
    return blocks + anthropicEvent('message_delta', { delta: stop, usage }) + anthropicEvent('message_stop');
  }

  protected onFailure(message: string, code: string): string {
    return this.start() + anthropicErrorEvent(message, code);
  }

  private openBlock(kind: 'text' | 'tool', block: Record<string, unknown>): string {
    const out = this.closeBlock();
    this.open = { index: this.blocks++, kind };
    return out + anthropicEvent('content_block_start', { index: this.open.index, content_block: block });
  }

  private closeBlock(): string {
    if (this.open.index < 0) return '';
    const out = anthropicEvent('content_block_stop', { index: this.open.index });
    this.open = { index: -1, kind: '' };
    return out;
  }

  /** `message_start` (usage not known yet: the chat stream reports it at its end) and a `ping`, once. */
  private start(): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: this.opts.id,
      type: 'message',
      role: 'assistant',
      model: this.opts.endpointName,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return anthropicEvent('message_start', { message }) + anthropicEvent('ping');
  }
}
