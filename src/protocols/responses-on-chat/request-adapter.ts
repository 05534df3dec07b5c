import { errors } from '../../http/errors';
import type { ChatRequest } from '../openai/request-schemas';
import type { ChatContentPart, ChatMessage, ChatTool, ChatToolChoice } from '../openai/chat-types';
import type { ResponsesRequest } from '../responses/types';

type Item = Extract<ResponsesRequest['input'], unknown[]>[number] & Record<string, unknown>;

/**
 * What a chat message or tool call of a translation came from: `instructions`, the
 * string `input`, or the item at `input.<i>` (a message, a function call, or its output).
 */
type Source = { path: string; kind: 'instructions' | 'input' | 'message' | 'function_call' | 'function_call_output' };

/** The source of every chat message and tool call `responsesToChat` built, by identity (defaults copy neither). */
const sources = new WeakMap<object, Source>();

function from<T extends object>(value: T, path: string, kind: Source['kind']): T {
  sources.set(value, { path, kind });
  return value;
}

/**
 * A Responses request as the chat request the internal path carries (see the
 * README's translation table). `instructions` become the first system message;
 * message items, function calls and their outputs become chat messages;
 * `max_output_tokens` is `max_tokens`; `text.format` is `response_format`.
 * Earlier reasoning items are dropped: chat origins take no reasoning input.
 */
export function responsesToChat(req: ResponsesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (req.instructions)
    messages.push(from({ role: 'system', content: req.instructions }, 'instructions', 'instructions'));
  if (typeof req.input === 'string') messages.push(from({ role: 'user', content: req.input }, 'input', 'input'));
  else req.input.forEach((item, i) => addItem(messages, item as Item, i));
  if (messages.length === 0) throw errors.invalidField('input', 'it holds no message');

  const chat: ChatRequest = { model: req.model, messages };
  if (req.temperature != null) chat.temperature = req.temperature;
  if (req.top_p != null) chat.top_p = req.top_p;
  if (req.max_output_tokens != null) chat.max_tokens = req.max_output_tokens;
  if (req.parallel_tool_calls != null) chat.parallel_tool_calls = req.parallel_tool_calls;
  if (req.user) chat.user = req.user;
  const tools = req.tools?.map(chatTool);
  if (tools?.length) chat.tools = tools;
  if (req.tool_choice !== undefined) chat.tool_choice = chatToolChoice(req.tool_choice);
  const format = req.text?.format;
  if (format?.type === 'json_schema') {
    chat.response_format = {
      type: 'json_schema',
      json_schema: {
        name: format.name ?? 'response',
        schema: format.schema ?? {},
        ...(format.strict != null ? { strict: format.strict } : {}),
      },
    };
  } else if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  return chat;
}

function addItem(messages: ChatMessage[], item: Item, i: number): void {
  const type = item.type ?? 'message';
  if (type === 'message') messages.push(from(messageOf(item, i), `input.${i}`, 'message'));
  else if (type === 'function_call') {
    const call = {
      id: requireString(item.call_id, `input.${i}.call_id`),
      type: 'function' as const,
      function: {
        name: requireString(item.name, `input.${i}.name`),
        arguments: requireJsonText(item.arguments, `input.${i}.arguments`),
      },
    };
    from(call, `input.${i}`, 'function_call');
    const last = messages.at(-1);
    if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
    else messages.push(from({ role: 'assistant', content: null, tool_calls: [call] }, `input.${i}`, 'function_call'));
  } else if (type === 'function_call_output') {
    const output: ChatMessage = {
      role: 'tool',
      tool_call_id: requireString(item.call_id, `input.${i}.call_id`),
      content: outputText(item.output, `input.${i}.output`),
    };
    messages.push(from(output, `input.${i}`, 'function_call_output'));
  } else if (type !== 'reasoning') {
    throw errors.unsupported(
      `input.${i}.type`,
      `'input.${i}' has type '${type}', which is not supported: send messages, function_call and function_call_output items`,
    );
  }
}

function messageOf(item: Item, i: number): ChatMessage {
  const role = item.role ?? 'user';
  const parts =
    typeof item.content === 'string'
      ? [{ type: 'text' as const, text: item.content }]
      : (item.content ?? []).map((p, j) => partOf(p as Record<string, unknown>, `input.${i}.content.${j}`));
  const text = parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
  if (role === 'assistant') return { role: 'assistant', content: text };
  if (role === 'system' || role === 'developer') return { role: 'system', content: text };
  return { role: 'user', content: parts.every((p) => p.type === 'text') ? text : parts };
}

function partOf(part: Record<string, unknown>, param: string): ChatContentPart {
  if (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text')
    return { type: 'text', text: String(part.text ?? '') };
  if (part.type === 'refusal') return { type: 'text', text: String(part.refusal ?? '') };
  if (part.type === 'input_image' && typeof part.image_url === 'string')
    return { type: 'image_url', image_url: { url: part.image_url } };
  throw errors.unsupported(
    `${param}.type`,
    `'${param}' has type '${String(part.type)}', which is not supported: send input_text, or input_image with an image_url (files and file ids need OpenAI's storage)`,
  );
}

/** A tool's output (a string, or parts whose text is joined; the request schema checks the shape). */
function outputText(output: unknown, param: string): string {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) throw errors.invalidField(param, 'required field is missing');
  return output
    .map((p) => (typeof (p as { text?: unknown } | null)?.text === 'string' ? (p as { text: string }).text : ''))
    .join('');
}

/** Checked by the request schema already (ResponsesInputItem): here for callers that bypass it. */
function requireJsonText(value: unknown, param: string): string {
  if (typeof value === 'string') return value;
  throw errors.invalidField(param, value === undefined ? 'required field is missing' : 'must be a JSON string');
}

function requireString(value: unknown, param: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw errors.invalidField(param, 'required field is missing');
}

function chatTool(tool: Record<string, unknown>, i: number): ChatTool {
  const name = requireString(tool.name, `tools.${i}.name`);
  const fn: ChatTool['function'] = { name };
  if (typeof tool.description === 'string') fn.description = tool.description;
  if (tool.parameters != null) fn.parameters = tool.parameters;
  if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function chatToolChoice(choice: NonNullable<ResponsesRequest['tool_choice']>): ChatToolChoice {
  if (typeof choice === 'string') return choice;
  return { type: 'function', function: { name: requireString(choice.name, 'tool_choice.name') } };
}

/**
 * The Responses field a chat path's `messages.<k>…` field was translated from, for a
 * refusal by the origin's chat adapter (TGI's, Anthropic's): `messages.2.role` is
 * `input.1.role` when instructions came first, a tool call's `function.arguments` is
 * its function_call item's `arguments`, a tool message's `content` its item's `output`.
 * `messages` is the chat request the adapter refused (defaults applied: a prepended
 * system prompt shifts the indexes, not the messages). Null for a message this
 * translation did not build, or a path that is not a message's.
 */
export function inputField(messages: readonly unknown[], param: string): string | null {
  const match = /^messages\.(\d+)(?:\.(.+))?$/.exec(param);
  if (!match) return null;
  const message = messages[Number(match[1])];
  const source = typeof message === 'object' && message !== null ? sources.get(message) : undefined;
  if (!source) return null;
  const rest = match[2] ?? '';
  const call = /^tool_calls\.(\d+)(?:\.(.+))?$/.exec(rest);
  if (call) {
    const calls = (message as { tool_calls?: unknown }).tool_calls;
    const target = Array.isArray(calls) ? (calls[Number(call[1])] as unknown) : undefined;
    const callSource = typeof target === 'object' && target !== null ? sources.get(target) : undefined;
    if (!callSource) return source.path;
    const field = { 'function.arguments': 'arguments', 'function.name': 'name', id: 'call_id' }[call[2] ?? ''];
    return field ? `${callSource.path}.${field}` : callSource.path;
  }
  switch (source.kind) {
    case 'instructions':
    case 'input':
    case 'function_call':
      return source.path;
    case 'function_call_output':
      if (rest === 'tool_call_id') return `${source.path}.call_id`;
      return rest === 'content' || rest.startsWith('content.') ? `${source.path}.output` : source.path;
    case 'message': {
      if (rest === 'role') return `${source.path}.role`;
      // A part keeps its index (a user message with an image keeps its parts); its image URL is the item's image_url.
      const part = /^content\.(\d+)(?:\.(.+))?$/.exec(rest);
      if (part) {
        const field = part[2]?.startsWith('image_url') ? 'image_url' : part[2] === 'type' ? 'type' : null;
        return `${source.path}.content.${part[1]}${field ? `.${field}` : ''}`;
      }
      return rest === 'content' ? `${source.path}.content` : source.path;
    }
  }
}
