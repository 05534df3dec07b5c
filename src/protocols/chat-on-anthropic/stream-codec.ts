import type { AnthropicStreamEvent } from '../anthropic/types';
import { OpenAISseCodec } from '../shared/sse-codec';
import type { TokenCounts } from '../shared/stream-codec';
import { promptTokensOf } from '../anthropic/usage';
import { openaiUsage } from '../openai/usage';
import { mapAnthropicStopReason } from '../shared/map-anthropic-stop-reason';

export interface ChatOnAnthropicOptions {
  id: string;
  endpointName: string;
  /** The client asked for `stream_options.include_usage`: a usage chunk (empty `choices`) before `[DONE]`. */
  clientWantsUsage: boolean;
}

/**
 * The Messages API stream (`event:` + `data:` pairs) as OpenAI chat chunks:
 * `message_start` → the role chunk; text deltas → `delta.content`; a `tool_use`
 * block's start → a tool call with id and name, its `input_json_delta`s → argument
 * fragments; `message_delta` → `finish_reason` (and the final usage);
 * `message_stop` → the usage chunk if asked for, then `[DONE]`. `ping` sends
 * nothing; an `error` event becomes an OpenAI error event. A stream that ends
 * without `message_stop` is reported as an error, not a clean end.
 */
export class ChatOnAnthropicCodec extends OpenAISseCodec {
  private readonly created = Math.floor(Date.now() / 1000);
  /** Anthropic content-block index → OpenAI tool-call index. */
  private readonly toolCalls = new Map<number, number>();
  private promptTokens = 0;
  private outputTokens = 0;
  private deltas = 0;

  constructor(private readonly opts: ChatOnAnthropicOptions) {
    super();
  }

  override get usage(): TokenCounts {
    return { promptTokens: this.promptTokens, completionTokens: Math.max(this.outputTokens, this.deltas) };
  }

  protected onData(data: string, eventName?: string): string {
    if (this.errored || this.complete) return '';
    let event: AnthropicStreamEvent;
    try {
      event = JSON.parse(data) as AnthropicStreamEvent;
    } catch {
      return this.fail(`The provider sent an event that is not JSON: ${data.slice(0, 200)}`, 'provider_error');
    }
    const type = (event && typeof event === 'object' ? event.type : undefined) ?? eventName;
    switch (type) {
      case 'message_start': {
        const usage = (event as Extract<AnthropicStreamEvent, { type: 'message_start' }>).message?.usage;
        this.promptTokens = promptTokensOf(usage);
        this.outputTokens = usage?.output_tokens ?? 0;
        return this.chunk({ role: 'assistant', content: '' });
      }
      case 'content_block_start': {
        const { index, content_block: block } = event as Extract<AnthropicStreamEvent, { type: 'content_block_start' }>;
        if (block?.type === 'tool_use') {
          const call = this.toolCalls.size;
          this.toolCalls.set(index, call);
          return this.chunk({
            tool_calls: [
              { index: call, id: block.id, type: 'function', function: { name: block.name, arguments: '' } },
            ],
          });
        }
        if (block?.type === 'text' && block.text) return this.chunk({ content: block.text });
        return '';
      }
      case 'content_block_delta': {
        const { index, delta } = event as Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>;
        if (delta?.type === 'text_delta') {
          this.deltas++;
          return this.chunk({ content: delta.text });
        }
        if (delta?.type === 'input_json_delta') {
          const call = this.toolCalls.get(index);
          if (call === undefined || delta.partial_json === '') return '';
          this.deltas++;
          return this.chunk({ tool_calls: [{ index: call, function: { arguments: delta.partial_json } }] });
        }
        return ''; // thinking, signature and citation deltas have no OpenAI chat counterpart
      }
      case 'message_delta': {
        const { delta, usage } = event as Extract<AnthropicStreamEvent, { type: 'message_delta' }>;
        if (typeof usage?.output_tokens === 'number') this.outputTokens = usage.output_tokens;
        if (typeof usage?.input_tokens === 'number') this.promptTokens = promptTokensOf(usage);
        return this.chunk({}, mapAnthropicStopReason(delta?.stop_reason) ?? 'stop');
      }
      case 'message_stop': {
        this.complete = true;
        const usage = this.opts.clientWantsUsage ? this.frame({ choices: [], usage: openaiUsage(this.usage) }) : '';
        return usage + 'data: [DONE]\n\n';
      }
      case 'error': {
        const error = (event as Extract<AnthropicStreamEvent, { type: 'error' }>).error;
        const kind = error?.type ?? 'api_error';
        const code =
          kind === 'overloaded_error'
            ? 'provider_overloaded'
            : kind === 'rate_limit_error'
              ? 'provider_rate_limited'
              : 'provider_error';
        return this.fail(`Provider error (${kind}): ${error?.message ?? 'no message'}`, code);
      }
      default:
        return ''; // ping, content_block_stop, and event types added later
    }
  }

  private chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
    return this.frame({ choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  }

  private frame(fields: Record<string, unknown>): string {
    const chunk = {
      id: this.opts.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.opts.endpointName,
      ...fields,
    };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}
