import { ApiError } from '../../http/errors';
import { originErrorMessage } from '../openai/error-body';
import { tokenCountsOf } from '../openai/usage';
import { isErrorData } from '../shared/error-data';
import { TgiSseCodec } from '../shared/sse-codec';
import type { CompletionBody } from '../openai/completion-types';
import { mapVllmFinishReason } from '../shared/map-vllm-finish-reason';
import { EOS_TOKEN, type TgiFinishReason, type TgiStreamEvent, type TgiToken } from '../tgi/types';
import { tgiTokens } from './logprobs';

export interface GenerateOnOpenAIOptions {
  /** The prompt, when the client asked for `return_full_text`; prepended to the final `generated_text`. */
  prefix: string;
  wantDetails: boolean;
  seed: number | null;
}

/**
 * vLLM `/v1/completions` SSE → TGI `/generate_stream` events. A vLLM chunk may hold
 * several tokens; with the logprobs the router asks for, each token becomes its own
 * TGI event (`index` from 1), written as soon as its chunk arrives. The chunk with
 * `finish_reason` gives TGI's final event (`generated_text`, and `details` when
 * asked), sent once the usage chunk that follows it has arrived. `[DONE]` is
 * dropped (TGI has none); origin errors become TGI error events.
 */
export class GenerateOnOpenAICodec extends TgiSseCodec {
  private text = '';
  private pendingFinal: { token: TgiToken; finish: TgiFinishReason } | null = null;

  constructor(private readonly opts: GenerateOnOpenAIOptions) {
    super();
  }

  override fail(message: string, code: string): string {
    this.pendingFinal = null;
    return super.fail(message, code);
  }

  protected override flush(): string {
    return this.pendingFinal ? this.emitFinal() : '';
  }

  protected onData(data: string): string {
    if (this.errored || this.complete) return '';
    if (data === '[DONE]') return this.pendingFinal ? this.emitFinal() : '';
    if (isErrorData(data))
      return this.fail(`Request failed during generation: ${originErrorMessage(data)}`, 'generation');
    let chunk: CompletionBody;
    try {
      chunk = JSON.parse(data) as CompletionBody;
    } catch {
      return this.fail('The origin sent an event that is not JSON', 'generation');
    }
    this.reported = tokenCountsOf(chunk.usage) ?? this.reported;
    const choice = chunk.choices?.[0];
    if (!choice) return this.pendingFinal && this.reported ? this.emitFinal() : '';
    return this.onChoice(choice);
  }

  private onChoice(choice: NonNullable<CompletionBody['choices']>[number]): string {
    const delta = choice.text ?? '';
    const base = choice.logprobs?.text_offset?.[0] ?? this.text.length;
    let tokens = tgiTokens(choice.logprobs, delta, base);
    if (tokens.length === 0 && delta) tokens = [{ id: 0, text: delta, logprob: null, special: false }];
    this.text += delta;
    let out = '';
    if (choice.finish_reason == null) {
      for (const token of tokens) out += this.event(token);
      return out;
    }
    let finish: TgiFinishReason;
    try {
      finish = mapVllmFinishReason(choice.finish_reason, choice.stop_reason);
    } catch (err) {
      return this.fail(err instanceof ApiError ? err.message : String(err), 'generation');
    }
    const last = tokens.pop() ?? EOS_TOKEN;
    for (const token of tokens) out += this.event(token);
    this.pendingFinal = { token: last, finish };
    return this.reported ? out + this.emitFinal() : out;
  }

  private event(token: TgiToken, final?: Pick<TgiStreamEvent, 'generated_text' | 'details'>): string {
    this.counted++;
    const event: TgiStreamEvent = { index: this.counted, token, generated_text: null, details: null, ...final };
    return `data:${JSON.stringify(event)}\n\n`;
  }

  private emitFinal(): string {
    const pending = this.pendingFinal!;
    this.pendingFinal = null;
    this.complete = true;
    const generatedTokens = this.reported?.completionTokens ?? this.counted + 1;
    const details = this.opts.wantDetails
      ? {
          finish_reason: pending.finish,
          generated_tokens: generatedTokens,
          seed: this.opts.seed,
          input_length: this.reported?.promptTokens ?? 0,
        }
      : null;
    return this.event(pending.token, { generated_text: this.opts.prefix + this.text, details });
  }
}
