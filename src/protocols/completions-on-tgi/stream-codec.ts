import { originErrorMessage } from '../openai/error-body';
import { OpenAISseCodec } from '../shared/sse-codec';
import { completionLogprobs } from './logprobs';
import type { TgiStreamEvent } from '../tgi/types';
import { mapTgiFinishReason } from '../shared/map-tgi-finish-reason';

export interface CompletionsOnTgiOptions {
  id: string;
  endpointName: string;
  /** `logprobs: N` asked for, or null. */
  logprobs: number | null;
  /** `echo`: the prompt is sent as the first chunk (TGI's token events never carry it). */
  echo: string | null;
  clientWantsUsage: boolean;
}

/**
 * TGI's `/generate_stream` (`data:{json}` per token, no `[DONE]`) as an OpenAI
 * completions stream: one `text_completion` chunk per token (special tokens carry
 * no text), the final event's finish reason on its chunk, then the usage chunk if
 * the client asked for it, then `[DONE]`. TGI's in-stream error
 * (`{"error":…,"error_type":…}`) becomes an OpenAI error event, and a stream that
 * ends before the final event (the one with `generated_text`) is reported as an error.
 */
export class CompletionsOnTgiCodec extends OpenAISseCodec {
  private readonly created = Math.floor(Date.now() / 1000);
  private textLength = 0;
  private started = false;

  constructor(private readonly opts: CompletionsOnTgiOptions) {
    super();
  }

  protected onData(data: string, eventName?: string): string {
    if (this.errored || this.complete) return '';
    let event: Partial<TgiStreamEvent> & { error?: unknown };
    try {
      event = JSON.parse(data) as Partial<TgiStreamEvent> & { error?: unknown };
    } catch {
      return this.fail(`The origin sent an event that is not JSON: ${data.slice(0, 200)}`, 'origin_error');
    }
    if (eventName === 'error' || !event || typeof event !== 'object' || event.error) {
      return this.fail(`Origin error: ${originErrorMessage(data)}`, 'origin_error');
    }
    let out = '';
    if (!this.started) {
      this.started = true;
      if (this.opts.echo) out += this.chunk(this.opts.echo, null, null);
      this.textLength += this.opts.echo?.length ?? 0;
    }
    const token = event.token;
    if (token) this.counted++;
    const text = token && !token.special ? token.text : '';
    const logprobs =
      this.opts.logprobs === null || !token
        ? null
        : completionLogprobs([token], [event.top_tokens], this.opts.logprobs, this.textLength).logprobs;
    this.textLength += text.length;
    const final = event.generated_text != null;
    if (!final) return text || logprobs?.tokens.length ? out + this.chunk(text, logprobs, null) : out;

    this.complete = true;
    const details = event.details;
    this.reported = {
      promptTokens: details?.input_length ?? 0,
      completionTokens: details?.generated_tokens ?? this.counted,
    };
    out += this.chunk(text, logprobs, mapTgiFinishReason(details?.finish_reason));
    if (this.opts.clientWantsUsage) {
      const { promptTokens, completionTokens } = this.reported;
      out += this.frame({
        choices: [],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      });
    }
    return out + 'data: [DONE]\n\n';
  }

  private chunk(text: string, logprobs: unknown, finishReason: string | null): string {
    return this.frame({ choices: [{ index: 0, text, logprobs, finish_reason: finishReason }] });
  }

  private frame(rest: Record<string, unknown>): string {
    const head = { id: this.opts.id, object: 'text_completion', created: this.created, model: this.opts.endpointName };
    return `data: ${JSON.stringify({ ...head, ...rest })}\n\n`;
  }
}
