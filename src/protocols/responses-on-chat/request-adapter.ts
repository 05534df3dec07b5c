import { errors } from '../../http/errors';
import type { ChatRequest } from '../openai/request-schemas';
import type { ChatContentPart, ChatMessage, ChatTool, ChatToolChoice } from '../openai/chat-types';
import type { ResponsesRequest } from '../responses/types';

type Item = Extract<ResponsesRequest['input'], unknown[]>[number] & Record<string, unknown>;

/**
 * A Responses request as the chat request the internal path carries (see the
 * README's translation table). `instructions` become the first system message;
 * message items, function calls and their outputs become chat messages;
 * `max_output_tokens` is `max_tokens`; `text.format` is `response_format`.
 * Earlier reasoning items are dropped: chat origins take no reasoning input.
 */
export function responsesToChat(req: ResponsesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: 'system', content: req.instructions });
  if (typeof req.input === 'string') messages.push({ role: 'user', content: req.input });
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
  if (type === 'message') messages.push(messageOf(item, i));
  else if (type === 'function_call') {
    const call = {
      id: requireString(item.call_id, `input.${i}.call_id`),
      type: 'function' as const,
      function: {
        name: requireString(item.name, `input.${i}.name`),
        arguments: requireJsonText(item.arguments, `input.${i}.arguments`),
      },
    };
    const last = messages.at(-1);
    if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
    else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
  } else if (type === 'function_call_output') {
    messages.push({
      role: 'tool',
      tool_call_id: requireString(item.call_id, `input.${i}.call_id`),
      content: outputText(item.output, `input.${i}.output`),
    });
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
