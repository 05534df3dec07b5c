import { OpenAISseCodec } from '../shared/sse-codec';
import { originErrorMessage } from '../openai/error-body';
import { tokenCountsOf } from '../openai/usage';

export interface OpenAIPassthroughOptions {
  /** The model id the origin reports, replaced by the endpoint name the client asked for. */
  originModel: string;
  endpointName: string;
  /** The client asked for `stream_options.include_usage`; if not, the usage-only chunk the router asked for is dropped. */
  clientWantsUsage: boolean;
}

/**
 * OpenAI-style SSE from vLLM, SGLang, llama.cpp or TGI's Messages API, re-framed
 * as `data: {json}\n\n` with the endpoint's name as `model`. It reads usage from
 * the usage chunk, counts content chunks as a fallback, turns in-stream origin
 * errors into OpenAI error events, and reports a stream that ends without
 * `[DONE]` as an error instead of a clean end.
 */
export class OpenAIPassthroughCodec extends OpenAISseCodec {
  private readonly modelFrom: string;
  private readonly modelTo: string;

  constructor(private readonly opts: OpenAIPassthroughOptions) {
    super();
    this.modelFrom = `"model":${JSON.stringify(opts.originModel)}`;
    this.modelTo = `"model":${JSON.stringify(opts.endpointName)}`;
  }

  protected onData(data: string, eventName?: string): string {
    if (this.errored) return '';
    if (data === '[DONE]') {
      this.complete = true;
      return 'data: [DONE]\n\n';
    }
    if (eventName === 'error' || data.startsWith('{"error"')) {
      return this.fail(`Origin error: ${originErrorMessage(data)}`, 'origin_error');
    }
    if (data.includes('"usage":{')) {
      const usageOnly = this.readUsage(data);
      if (usageOnly && !this.opts.clientWantsUsage) return '';
    } else if (data.includes('"choices":[{')) {
      this.counted++;
    }
    return `data: ${this.renameModel(data)}\n\n`;
  }

  /** Records the chunk's usage; returns true when the chunk carries nothing else (no choices). */
  private readUsage(data: string): boolean {
    try {
      const chunk = JSON.parse(data) as { usage?: unknown; choices?: unknown[] };
      this.reported = tokenCountsOf(chunk.usage) ?? this.reported;
      if (chunk.choices?.length) this.counted++;
      return !chunk.choices?.length;
    } catch {
      return false;
    }
  }

  private renameModel(data: string): string {
    if (data.includes(this.modelFrom)) return data.replace(this.modelFrom, this.modelTo);
    if (!data.includes('"model"')) return data;
    try {
      const chunk = JSON.parse(data) as { model?: unknown };
      if (typeof chunk.model !== 'string') return data;
      chunk.model = this.opts.endpointName;
      return JSON.stringify(chunk);
    } catch {
      return data;
    }
  }
}
