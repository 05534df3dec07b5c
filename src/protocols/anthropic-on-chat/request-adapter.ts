import { ApiError, errors } from '../../http/errors';
import type { ChatContentPart, ChatMessage, ChatTool, ChatToolChoice } from '../openai/chat-types';
import type { MessagesRequest } from '../anthropic/types';
import type { ChatRequest } from '../openai/request-schemas';

type Block = Record<string, unknown> & { type: string };

/**
 * What a chat message, tool call or content part of a translation came from: `system`,
 * a message with string content (`messages.<i>`), an assistant's or a user's blocks
 * (`messages.<i>`: text, tool calls, the parts of the rest of the turn), or one block
 * (`messages.<i>.content.<j>`: a tool_use as a tool call, a tool_result as a `tool`
 * message, a text or image block as a content part).
 */
type Source = { path: string; kind: 'system' | 'text' | 'assistant' | 'user' | 'tool_use' | 'tool_result' | 'block' };

/** The source of every chat message, tool call and content part `messagesToChat` built, by identity (defaults copy none). */
const sources = new WeakMap<object, Source>();

function from<T extends object>(value: T, path: string, kind: Source['kind']): T {
  sources.set(value, { path, kind });
  return value;
}

/**
 * An Anthropic Messages request as the chat request the internal path carries (see
 * the README's translation table): `system` becomes the first system message,
 * `tool_use` blocks assistant `tool_calls`, `tool_result` blocks `tool` messages,
 * `stop_sequences` is `stop`, `metadata.user_id` is `user` (the session-affinity
 * key), tool choices map to chat's. Earlier thinking blocks are dropped; what
 * needs Anthropic's own servers (server tools, MCP, extended thinking) is refused.
 */
export function messagesToChat(req: MessagesRequest): ChatRequest {
  refuseUnsupported(req);
  const messages: ChatMessage[] = [];
  const system = typeof req.system === 'string' ? req.system : req.system?.map((b) => b.text).join('\n');
  if (system) messages.push(from({ role: 'system', content: system }, 'system', 'system'));
  req.messages.forEach((m, i) => {
    if (typeof m.content === 'string')
      messages.push(from({ role: m.role, content: m.content }, `messages.${i}`, 'text'));
    else if (m.role === 'assistant') messages.push(assistantMessage(m.content as Block[], i));
    else messages.push(...userMessages(m.content as Block[], i));
  });
  const chat: ChatRequest = { model: req.model, messages, max_tokens: req.max_tokens };
  if (req.stop_sequences?.length) chat.stop = req.stop_sequences;
  if (req.temperature !== undefined) chat.temperature = req.temperature;
  if (req.top_p !== undefined) chat.top_p = req.top_p;
  if (req.top_k !== undefined) chat.top_k = req.top_k;
  if (req.metadata?.user_id) chat.user = req.metadata.user_id;
  if (req.tools?.length) chat.tools = req.tools.map(chatTool);
  if (req.tool_choice) {
    chat.tool_choice = chatToolChoice(req.tool_choice);
    if (req.tool_choice.disable_parallel_tool_use) chat.parallel_tool_calls = false;
  }
  return chat;
}

function refuseUnsupported(req: MessagesRequest): void {
  const extra = req as Record<string, unknown>;
  const thinking = extra.thinking as { type?: unknown } | undefined;
  if (thinking && thinking.type !== 'disabled') {
    throw errors.unsupported(
      'thinking',
      "'thinking' (extended thinking) is not supported by this endpoint's origins; leave it out",
    );
  }
  if (Array.isArray(extra.mcp_servers) && extra.mcp_servers.length) {
    throw errors.unsupported(
      'mcp_servers',
      "'mcp_servers' is not supported: the router connects to no MCP servers; declare client tools instead",
    );
  }
  if (extra.container != null)
    throw errors.unsupported(
      'container',
      "'container' is not supported: there is no code-execution container behind this endpoint",
    );
  req.tools?.forEach((tool, i) => {
    if (tool.type !== undefined && tool.type !== 'custom') {
      throw errors.unsupportedTool(
        `tools.${i}`,
        `Server tool '${tool.type}' is not supported: this endpoint's models run on their own servers, which have none of Anthropic's server tools. Declare a client tool (name, description, input_schema) and run it yourself`,
      );
    }
  });
}

function assistantMessage(blocks: Block[], i: number): ChatMessage {
  const text: string[] = [];
  const calls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  blocks.forEach((block, j) => {
    if (block.type === 'text') text.push(String(block.text ?? ''));
    else if (block.type === 'tool_use') {
      const call = {
        id: String(block.id ?? ''),
        type: 'function' as const,
        function: { name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) },
      };
      calls.push(from(call, `messages.${i}.content.${j}`, 'tool_use'));
    } else if (block.type !== 'thinking' && block.type !== 'redacted_thinking')
      throw unsupportedBlock(block, `messages.${i}.content.${j}`);
  });
  const message: ChatMessage = {
    role: 'assistant',
    content: text.length ? text.join('') : null,
    ...(calls.length ? { tool_calls: calls } : {}),
  };
  return from(message, `messages.${i}`, 'assistant');
}

/** Tool results first (as `tool` messages, in order), then the rest of the turn as one user message. */
function userMessages(blocks: Block[], i: number): ChatMessage[] {
  const out: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  blocks.forEach((block, j) => {
    const param = `messages.${i}.content.${j}`;
    if (block.type === 'tool_result') {
      const content = toolResultText(block.content, param);
      const result: ChatMessage = {
        role: 'tool',
        tool_call_id: String(block.tool_use_id ?? ''),
        content: block.is_error === true ? `Error: ${content}` : content,
      };
      out.push(from(result, param, 'tool_result'));
    } else if (block.type === 'text')
      parts.push(from({ type: 'text', text: String(block.text ?? '') }, param, 'block'));
    else if (block.type === 'image')
      parts.push(from({ type: 'image_url', image_url: { url: imageUrl(block, param) } }, param, 'block'));
    else throw unsupportedBlock(block, param);
  });
  if (parts.length) {
    const rest: ChatMessage = {
      role: 'user',
      content: parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('') : parts,
    };
    out.push(from(rest, `messages.${i}`, 'user'));
  }
  return out;
}

function toolResultText(content: unknown, param: string): string {
  if (content === undefined || typeof content === 'string') return content ?? '';
  if (!Array.isArray(content)) return JSON.stringify(content);
  return content
    .map((b: Block, k) => {
      if (b.type === 'text') return String(b.text ?? '');
      const at = `${param}.content.${k}`;
      const hint = b.type === 'image' ? '; send the image as an image block of the user message' : '';
      throw errors.unsupported(
        `${at}.type`,
        `'${at}' has type '${b.type}': tool results take text blocks only on this endpoint (its origins take a tool's result as text)${hint}`,
      );
    })
    .join('');
}

function imageUrl(block: Block, param: string): string {
  const source = block.source as { type?: string; media_type?: string; data?: string; url?: string } | undefined;
  if (source?.type === 'base64' && source.data) return `data:${source.media_type ?? 'image/png'};base64,${source.data}`;
  if (source?.type === 'url' && source.url) return source.url;
  throw errors.unsupported(
    `${param}.source`,
    `'${param}.source' must be a base64 or url image source (files need Anthropic's storage)`,
  );
}

function unsupportedBlock(block: Block, param: string): ApiError {
  return errors.unsupported(
    `${param}.type`,
    `'${param}' is a '${block.type}' block, which is not supported here: send text, image, tool_use and tool_result blocks`,
  );
}

function chatTool(tool: NonNullable<MessagesRequest['tools']>[number]): ChatTool {
  const fn: ChatTool['function'] = {
    name: tool.name,
    parameters: tool.input_schema ?? { type: 'object', properties: {} },
  };
  if (tool.description) fn.description = tool.description;
  return { type: 'function', function: fn };
}

function chatToolChoice(choice: NonNullable<MessagesRequest['tool_choice']>): ChatToolChoice {
  if (choice.type === 'any') return 'required';
  if (choice.type === 'tool') {
    if (!choice.name)
      throw errors.invalidBody(
        "Invalid 'tool_choice.name': required when tool_choice.type is 'tool'",
        'tool_choice.name',
      );
    return { type: 'function', function: { name: choice.name } };
  }
  return choice.type;
}

/**
 * The Messages field a chat path's `messages.<k>…` field was translated from, for a
 * refusal by the origin's chat adapter: chat's messages do not line up with the
 * client's (`system` is chat's first message, each tool_result block a `tool` message
 * of its own before the rest of its turn). A tool call's `function.arguments` is its
 * tool_use block's `input`, a tool message's `tool_call_id` its tool_result's
 * `tool_use_id`, a content part its block (an image part's URL the block's `source`).
 * `messages` is the chat request the adapter refused (defaults applied: a prepended
 * system prompt shifts the indexes, not the messages). Null for a message this
 * translation did not build, or a path that is not a message's.
 */
export function messagesField(messages: readonly unknown[], param: string): string | null {
  const match = /^messages\.(\d+)(?:\.(.+))?$/.exec(param);
  if (!match) return null;
  const message = messages[Number(match[1])];
  const source = sourceOf(message);
  if (!source) return null;
  const rest = match[2] ?? '';
  const call = /^tool_calls\.(\d+)(?:\.(.+))?$/.exec(rest);
  if (call) {
    const calls = (message as { tool_calls?: unknown }).tool_calls;
    const callSource = sourceOf(Array.isArray(calls) ? (calls[Number(call[1])] as unknown) : undefined);
    if (!callSource) return source.path;
    const field = { 'function.arguments': 'input', 'function.name': 'name', id: 'id' }[call[2] ?? ''];
    return field ? `${callSource.path}.${field}` : callSource.path;
  }
  const content = rest === 'content' || rest.startsWith('content.');
  switch (source.kind) {
    case 'system':
    case 'tool_use':
    case 'block':
      return source.path;
    case 'tool_result':
      if (rest === 'tool_call_id') return `${source.path}.tool_use_id`;
      return content ? `${source.path}.content` : source.path;
    case 'text':
    case 'assistant':
      if (rest === 'role') return `${source.path}.role`;
      return content ? `${source.path}.content` : source.path;
    case 'user': {
      if (rest === 'role') return `${source.path}.role`;
      // A part of the rest of the turn is one of its blocks (tool results, which came first, take no part).
      const part = /^content\.(\d+)(?:\.(.+))?$/.exec(rest);
      const parts = (message as { content?: unknown }).content;
      const partSource = part && Array.isArray(parts) ? sourceOf(parts[Number(part[1])] as unknown) : undefined;
      if (part && partSource) {
        const field = part[2]?.startsWith('image_url')
          ? 'source'
          : part[2] === 'type' || part[2] === 'text'
            ? part[2]
            : null;
        return field ? `${partSource.path}.${field}` : partSource.path;
      }
      return content ? `${source.path}.content` : source.path;
    }
  }
}

function sourceOf(value: unknown): Source | undefined {
  return typeof value === 'object' && value !== null ? sources.get(value) : undefined;
}
