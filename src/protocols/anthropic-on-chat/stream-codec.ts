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
    const out = this.openBlock('tool', { type: 'tool_use', id, name, input: {} });
    this.toolBlocks[slot] = this.open.index;
    return out;
  }

  protected onToolArguments(slot: number, delta: string): string {
    const index = this.toolBlocks[slot];
    if (index === undefined) return '';
    return anthropicEvent('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: delta } });
  }

  protected onFinish(finish: ChatFinish): string {
    const stop = mapChatFinishToAnthropic(finish, this.tail, this.opts.stops, this.toolBlocks.length > 0);
    const usage = { input_tokens: this.usage.promptTokens, output_tokens: this.usage.completionTokens };
    return (
      this.start() +
      this.closeBlock() +
      anthropicEvent('message_delta', { delta: stop, usage }) +
      anthropicEvent('message_stop')
    );
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
