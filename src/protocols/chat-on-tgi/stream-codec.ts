import { originErrorMessage } from '../openai/error-body';
import { tokenCountsOf } from '../openai/usage';
import { OpenAISseCodec } from '../shared/sse-codec';
import { mapTgiFinishReason } from '../shared/map-tgi-finish-reason';

export interface ChatOnTgiOptions {
  endpointName: string;
  /** The chunks' `id` when TGI sends its empty one: `chatcmpl-<request id>`. */
  id: string;
  /** The client asked for `stream_options.include_usage`; if not, the usage chunk the router asked for is dropped. */
  clientWantsUsage: boolean;
}

interface ChatChunk {
  id?: unknown;
  model?: unknown;
  choices?: Array<{ index?: number; delta?: { role?: unknown }; finish_reason?: unknown }>;
  usage?: unknown;
}

/**
 * TGI's Messages API stream (`data:{json}`, `data:[DONE]`) as OpenAI's: the
 * endpoint's name as `model`, a real `id`, finish reasons in OpenAI terms
 * (`stop_sequence`/`eos_token` → `stop`), the role only on a choice's first delta,
 * `usage` only where OpenAI puts it. TGI's in-stream error
 * (`{"error":{"message",…}}`) becomes an OpenAI error event, and a stream that
 * ends without `[DONE]` is reported as an error rather than a clean end.
 */
export class ChatOnTgiCodec extends OpenAISseCodec {
  private readonly roleSent = new Set<number>();

  constructor(private readonly opts: ChatOnTgiOptions) {
    super();
  }

  protected onData(data: string, eventName?: string): string {
    if (this.errored || this.complete) return '';
    if (data === '[DONE]') {
      this.complete = true;
      return 'data: [DONE]\n\n';
    }
    let chunk: ChatChunk & { error?: unknown };
    try {
      chunk = JSON.parse(data) as ChatChunk & { error?: unknown };
    } catch {
      return this.fail(`The origin sent an event that is not JSON: ${data.slice(0, 200)}`, 'origin_error');
    }
    if (eventName === 'error' || (chunk && typeof chunk === 'object' && chunk.error)) {
      return this.fail(`Origin error: ${originErrorMessage(data)}`, 'origin_error');
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    if (chunk.usage) this.reported = tokenCountsOf(chunk.usage) ?? this.reported;
    if (!this.opts.clientWantsUsage) {
      if (chunk.usage && choices.length === 0) return '';
      delete chunk.usage;
    }
    if (choices.length) this.counted++;
    if (typeof chunk.id !== 'string' || chunk.id === '') chunk.id = this.opts.id;
    chunk.model = this.opts.endpointName;
    for (const choice of choices) {
      const index = choice.index ?? 0;
      if (choice.delta && 'role' in choice.delta) {
        if (this.roleSent.has(index)) delete choice.delta.role;
        else this.roleSent.add(index);
      }
      choice.finish_reason = mapTgiFinishReason(choice.finish_reason);
    }
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}
