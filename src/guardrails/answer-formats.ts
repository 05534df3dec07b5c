import { anthropicEvent } from '../protocols/anthropic/events';
import { errorEvent } from '../protocols/openai/error-body';
import { tgiErrorEvent } from '../protocols/tgi/events';

/** The client protocols whose answers an output guard can read (and whose streams it can cut). */
export type ClientFormat = 'chat' | 'completions' | 'generate' | 'responses' | 'messages';

/**
 * How the output guard reads the answer the client is about to get, in the
 * client's protocol, and how it ends a stream in that protocol. A client protocol
 * added later (translated onto the chat path or not) gets output guardrails by
 * adding a format here.
 */
export interface AnswerFormat {
  /** A non-streaming response body → the answer's text, by choice index. */
  texts(body: unknown): Map<number, string>;
  /** One data event of the client's stream → the text it adds, by choice index (empty: not answer text). */
  read(data: string): Array<[number, string]>;
  /** A data event was passed on to the client (held events may be dropped): for state the ending continues from. */
  sent?(data: string): void;
  /** The end of a stream the guard cut: the finish reason `content_filter` where the protocol has one, then an error event. */
  cut(message: string): string;
  /** The end of a stream the guard could not check while it must not pass it (`fail_closed`). */
  fail(message: string): string;
}

export const CONTENT_POLICY = 'content_policy_violation';
export const GUARD_UNAVAILABLE = 'guardrail_unavailable';

export function answerFormat(format: ClientFormat): AnswerFormat {
  if (format === 'generate') return new GenerateFormat();
  if (format === 'responses') return new ResponsesFormat();
  if (format === 'messages') return new MessagesFormat();
  return new OpenAIFormat(format);
}

type Json = Record<string, unknown>;

function parse(data: string): Json | null {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

function add(map: Map<number, string>, index: number, text: string): void {
  if (text) map.set(index, (map.get(index) ?? '') + text);
}

/** OpenAI chat and completions: `choices[].message` / `choices[].delta` (content, tool-call arguments), or `choices[].text`. */
class OpenAIFormat implements AnswerFormat {
  private last: { id?: unknown; created?: unknown; model?: unknown } = {};
  private readonly indices = new Set<number>();

  constructor(private readonly kind: 'chat' | 'completions') {}

  texts(body: unknown): Map<number, string> {
    const out = new Map<number, string>();
    const choices = (body as { choices?: unknown } | null)?.choices;
    for (const choice of Array.isArray(choices) ? (choices as Json[]) : []) {
      const index = typeof choice.index === 'number' ? choice.index : 0;
      add(
        out,
        index,
        this.kind === 'chat' ? messageText(choice.message) : typeof choice.text === 'string' ? choice.text : '',
      );
    }
    return out;
  }

  read(data: string): Array<[number, string]> {
    if (!data.includes('"choices"')) return [];
    const chunk = parse(data);
    if (!chunk || !Array.isArray(chunk.choices)) return [];
    this.last = { id: chunk.id, created: chunk.created, model: chunk.model };
    const out: Array<[number, string]> = [];
    for (const choice of chunk.choices as Json[]) {
      const index = typeof choice.index === 'number' ? choice.index : 0;
      this.indices.add(index);
      const text =
        this.kind === 'chat' ? messageText(choice.delta) : typeof choice.text === 'string' ? choice.text : '';
      if (text) out.push([index, text]);
    }
    return out;
  }

  cut(message: string): string {
    const indices = this.indices.size ? [...this.indices] : [0];
    const choices = indices.map((index) =>
      this.kind === 'chat'
        ? { index, delta: {}, logprobs: null, finish_reason: 'content_filter' }
        : { index, text: '', logprobs: null, finish_reason: 'content_filter' },
    );
    const object = this.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    const chunk = { id: this.last.id, object, created: this.last.created, model: this.last.model, choices };
    return `data: ${JSON.stringify(chunk)}\n\n${errorEvent(message, CONTENT_POLICY, 'invalid_request_error')}data: [DONE]\n\n`;
  }

  fail(message: string): string {
    return `${errorEvent(message, GUARD_UNAVAILABLE)}data: [DONE]\n\n`;
  }
}

/** A chat message or delta: its content, reasoning and tool-call arguments. */
function messageText(message: unknown): string {
  if (!message || typeof message !== 'object') return '';
  const m = message as { content?: unknown; reasoning_content?: unknown; tool_calls?: unknown };
  let text = typeof m.reasoning_content === 'string' ? m.reasoning_content : '';
  if (typeof m.content === 'string') text += m.content;
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls as Array<{ function?: { arguments?: unknown } } | null>) {
      const args = call?.function?.arguments;
      if (typeof args === 'string') text += args;
    }
  }
  return text;
}

/** TGI generate: `generated_text` (an array of one on the compat route); streams carry one `token` per event. */
class GenerateFormat implements AnswerFormat {
  texts(body: unknown): Map<number, string> {
    const out = new Map<number, string>();
    const one = (Array.isArray(body) ? body[0] : body) as { generated_text?: unknown } | null;
    if (typeof one?.generated_text === 'string') add(out, 0, one.generated_text);
    return out;
  }

  read(data: string): Array<[number, string]> {
    if (!data.includes('"token"')) return [];
    const token = parse(data)?.token as { text?: unknown; special?: unknown } | undefined;
    return token && token.special !== true && typeof token.text === 'string' && token.text ? [[0, token.text]] : [];
  }

  cut(message: string): string {
    return tgiErrorEvent(message, CONTENT_POLICY);
  }

  fail(message: string): string {
    return tgiErrorEvent(message, 'generation');
  }
}

/**
 * The Responses API: a response's `output` items (message text, function-call
 * arguments, reasoning); streams carry `response.*.delta` events. A cut stream ends
 * with `response.incomplete` (`incomplete_details.reason: content_filter`), then
 * an `error` event, numbered on from the stream's last `sequence_number`.
 */
class ResponsesFormat implements AnswerFormat {
  private response: Json = {};
  private sequence = -1;

  texts(body: unknown): Map<number, string> {
    const out = new Map<number, string>();
    const output = (body as { output?: unknown } | null)?.output;
    for (const item of Array.isArray(output) ? (output as Json[]) : []) add(out, 0, itemText(item));
    return out;
  }

  sent(data: string): void {
    const event = data.includes('"sequence_number"') ? parse(data) : null;
    if (!event) return;
    if (typeof event.sequence_number === 'number') this.sequence = event.sequence_number;
    if (
      (event.type === 'response.created' || event.type === 'response.in_progress') &&
      event.response &&
      typeof event.response === 'object'
    ) {
      this.response = event.response as Json;
    }
  }

  read(data: string): Array<[number, string]> {
    if (!data.includes('.delta"')) return [];
    const event = parse(data);
    if (!event) return [];
    const delta =
      typeof event.type === 'string' && event.type.endsWith('.delta') && typeof event.delta === 'string'
        ? event.delta
        : '';
    return /^response\.(output_text|function_call_arguments|reasoning_text|reasoning_summary_text)\.delta$/.test(
      String(event.type),
    ) && delta
      ? [[0, delta]]
      : [];
  }

  cut(message: string): string {
    const response = {
      ...this.response,
      status: 'incomplete',
      incomplete_details: { reason: 'content_filter' },
      output: [],
      usage: null,
    };
    return (
      this.frame('response.incomplete', { response }) +
      this.frame('error', { code: CONTENT_POLICY, message, param: null })
    );
  }

  fail(message: string): string {
    const response = {
      ...this.response,
      status: 'failed',
      error: { code: GUARD_UNAVAILABLE, message },
      output: [],
      usage: null,
    };
    return (
      this.frame('response.failed', { response }) +
      this.frame('error', { code: GUARD_UNAVAILABLE, message, param: null })
    );
  }

  private frame(type: string, fields: Json): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: ++this.sequence, ...fields })}\n\n`;
  }
}

/**
 * Anthropic Messages: text and tool_use blocks; streamed as `text_delta` and
 * `input_json_delta`. A cut stream closes the open block, says `stop_reason:
 * "refusal"` in a `message_delta`, then sends an Anthropic `error` event.
 */
class MessagesFormat implements AnswerFormat {
  private openBlock: number | null = null;

  texts(body: unknown): Map<number, string> {
    const out = new Map<number, string>();
    const content = (body as { content?: unknown } | null)?.content;
    for (const block of Array.isArray(content) ? (content as Json[]) : []) {
      add(
        out,
        0,
        typeof block.text === 'string'
          ? block.text
          : block.type === 'tool_use'
            ? JSON.stringify(block.input ?? {})
            : '',
      );
    }
    return out;
  }

  sent(data: string): void {
    if (!data.includes('"content_block_')) return;
    const event = parse(data);
    if (event?.type === 'content_block_start' && typeof event.index === 'number') this.openBlock = event.index;
    if (event?.type === 'content_block_stop') this.openBlock = null;
  }

  read(data: string): Array<[number, string]> {
    if (!data.includes('"content_block_delta"')) return [];
    const delta = parse(data)?.delta as Json | undefined;
    const text =
      typeof delta?.text === 'string' ? delta.text : typeof delta?.partial_json === 'string' ? delta.partial_json : '';
    return text ? [[0, text]] : [];
  }

  cut(message: string): string {
    return (
      this.closeBlock() +
      anthropicEvent('message_delta', {
        delta: { stop_reason: 'refusal', stop_sequence: null },
        usage: { output_tokens: 0 },
      }) +
      anthropicEvent('error', { error: { type: 'invalid_request_error', message } })
    );
  }

  fail(message: string): string {
    return this.closeBlock() + anthropicEvent('error', { error: { type: 'api_error', message } });
  }

  private closeBlock(): string {
    if (this.openBlock === null) return '';
    const index = this.openBlock;
    this.openBlock = null;
    return anthropicEvent('content_block_stop', { index });
  }
}

/** One Responses output item's text: message content, function-call arguments, reasoning. */
function itemText(item: Json): string {
  if (typeof item.arguments === 'string') return item.arguments;
  const parts = [
    ...(Array.isArray(item.content) ? item.content : []),
    ...(Array.isArray(item.summary) ? item.summary : []),
  ] as Array<Json | null>;
  return parts.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
}
