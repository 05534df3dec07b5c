import { ChatDerivedCodec, type ChatFinish } from '../chat/chat-derived-codec';
import { ResponsesEventWriter } from '../responses/events';
import { responseObject, type ResponseShell } from '../responses/response-object';
import { mapChatFinishToResponses } from '../shared/map-chat-finish-reason';
import type { FunctionCallItem, MessageItem, OutputItem } from '../responses/types';
import type { StreamCodec } from '../shared/stream-codec';

/**
 * The chat stream as Responses events: `response.created` and `response.in_progress`
 * first; a message item (`output_item.added`, `content_part.added`,
 * `output_text.delta`…, then the `.done` events) for text; a `function_call` item
 * per tool call with its `function_call_arguments.delta`s; and `response.completed`
 * (or `response.incomplete` when the output hit `max_output_tokens`) with the usage.
 */
export class ResponsesOnChatCodec extends ChatDerivedCodec {
  private readonly events = new ResponsesEventWriter();
  private readonly output: OutputItem[] = [];
  private started = false;
  private message: { item: MessageItem; index: number } | null = null;
  private readonly calls: Array<{ item: FunctionCallItem; index: number }> = [];

  constructor(
    inner: StreamCodec,
    private readonly shell: ResponseShell,
    requestId: string,
  ) {
    super(inner, requestId);
  }

  override push(text: string): string {
    return this.start() + super.push(text);
  }

  protected onText(delta: string): string {
    let out = '';
    if (!this.message) {
      const item: MessageItem = {
        type: 'message',
        id: `msg_${this.requestId}`,
        status: 'in_progress',
        role: 'assistant',
        content: [],
      };
      this.message = { item, index: this.output.length };
      this.output.push(item);
      out += this.events.frame('response.output_item.added', { output_index: this.message.index, item });
      out += this.events.frame('response.content_part.added', {
        item_id: item.id,
        output_index: this.message.index,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      });
      item.content.push({ type: 'output_text', text: '', annotations: [], logprobs: [] });
    }
    const { item, index } = this.message;
    item.content[0]!.text += delta;
    return (
      out +
      this.events.frame('response.output_text.delta', {
        item_id: item.id,
        output_index: index,
        content_index: 0,
        delta,
        logprobs: [],
      })
    );
  }

  protected onToolCall(slot: number, id: string, name: string): string {
    const item: FunctionCallItem = {
      type: 'function_call',
      id: `fc_${this.requestId}_${slot}`,
      call_id: id,
      name,
      arguments: '',
      status: 'in_progress',
    };
    this.calls[slot] = { item, index: this.output.length };
    this.output.push(item);
    return this.events.frame('response.output_item.added', { output_index: this.output.length - 1, item: { ...item } });
  }

  protected onToolArguments(slot: number, delta: string): string {
    const call = this.calls[slot];
    if (!call) return '';
    call.item.arguments += delta;
    return this.events.frame('response.function_call_arguments.delta', {
      item_id: call.item.id,
      output_index: call.index,
      delta,
    });
  }

  protected onFinish(finish: ChatFinish): string {
    const { status, incompleteReason } = mapChatFinishToResponses(finish.reason);
    const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
    let out = this.start();
    if (this.message) {
      const { item, index } = this.message;
      const text = item.content[0]!.text;
      item.status = itemStatus;
      out += this.events.frame('response.output_text.done', {
        item_id: item.id,
        output_index: index,
        content_index: 0,
        text,
        logprobs: [],
      });
      out += this.events.frame('response.content_part.done', {
        item_id: item.id,
        output_index: index,
        content_index: 0,
        part: { type: 'output_text', text, annotations: [] },
      });
      out += this.events.frame('response.output_item.done', { output_index: index, item });
    }
    for (const { item, index } of this.calls) {
      item.status = itemStatus;
      out += this.events.frame('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: index,
        name: item.name,
        arguments: item.arguments,
      });
      out += this.events.frame('response.output_item.done', { output_index: index, item });
    }
    const response = responseObject(this.shell, { status, output: this.output, usage: this.usage, incompleteReason });
    return out + this.events.frame(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  protected onFailure(message: string, code: string): string {
    return this.start() + this.events.failure(this.shell, this.output, message, code);
  }

  /** `response.created` and `response.in_progress`, once, before anything else. */
  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = responseObject(this.shell, { status: 'in_progress', output: [], usage: null });
    return (
      this.events.frame('response.created', { response }) + this.events.frame('response.in_progress', { response })
    );
  }
}
