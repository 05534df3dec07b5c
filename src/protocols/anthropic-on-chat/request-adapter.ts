import { ApiError, errors } from '../../http/errors';
import type { ChatContentPart, ChatMessage, ChatTool, ChatToolChoice } from '../openai/chat-types';
import type { MessagesRequest } from '../anthropic/types';
import type { ChatRequest } from '../openai/request-schemas';

type Block = Record<string, unknown> & { type: string };

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
  if (system) messages.push({ role: 'system', content: system });
  req.messages.forEach((m, i) => {
    if (typeof m.content === 'string') messages.push({ role: m.role, content: m.content });
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
      calls.push({
        id: String(block.id ?? ''),
        type: 'function',
        function: { name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type !== 'thinking' && block.type !== 'redacted_thinking')
      throw unsupportedBlock(block, `messages.${i}.content.${j}`, 'assistant');
  });
  return {
    role: 'assistant',
    content: text.length ? text.join('') : null,
    ...(calls.length ? { tool_calls: calls } : {}),
  };
}

/** Tool results first (as `tool` messages, in order), then the rest of the turn as one user message. */
function userMessages(blocks: Block[], i: number): ChatMessage[] {
  const out: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  blocks.forEach((block, j) => {
    const param = `messages.${i}.content.${j}`;
    if (block.type === 'tool_result') {
      const content = toolResultText(block.content, param);
      out.push({
        role: 'tool',
        tool_call_id: String(block.tool_use_id ?? ''),
        content: block.is_error === true ? `Error: ${content}` : content,
      });
    } else if (block.type === 'text') parts.push({ type: 'text', text: String(block.text ?? '') });
    else if (block.type === 'image') parts.push({ type: 'image_url', image_url: { url: imageUrl(block, param) } });
    else throw unsupportedBlock(block, param, 'user');
  });
  if (parts.length)
    out.push({
      role: 'user',
      content: parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('') : parts,
    });
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
  // A source of a kind the router translates, without the field that holds the image: name that field.
  const [field, holds] = source?.type === 'base64' ? ['data', "the image's bytes"] : ['url', "the image's address"];
  if (source?.type === 'base64' || source?.type === 'url') {
    throw errors.invalidBody(
      `'${param}.source.${field}' is missing: a ${source.type} image source holds ${holds} in '${field}'`,
      `${param}.source.${field}`,
    );
  }
  throw errors.unsupported(
    `${param}.source`,
    `'${param}.source' must be a base64 or url image source (files need Anthropic's storage)`,
  );
}

/** The kinds of block each role's message takes (thinking blocks, in an assistant message, are dropped). */
const BLOCKS_OF = {
  user: {
    takes: 'text, image and tool_result blocks',
    elsewhere: { tool_use: 'assistant', thinking: 'assistant', redacted_thinking: 'assistant' },
  },
  assistant: { takes: 'text and tool_use blocks', elsewhere: { image: 'user', tool_result: 'user' } },
} as const;

/** A block the message's role does not take: the kinds it does, and where this kind goes if another role takes it. */
function unsupportedBlock(block: Block, param: string, role: 'user' | 'assistant'): ApiError {
  const { takes, elsewhere } = BLOCKS_OF[role];
  const other = (elsewhere as Record<string, string>)[block.type];
  return errors.unsupported(
    `${param}.type`,
    `'${param}' is a block of type '${block.type}', which ${role === 'user' ? 'a user' : 'an assistant'} message does not take: send ${takes}${other ? ` (${block.type} blocks go in ${other} messages)` : ''}`,
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
