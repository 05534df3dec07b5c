import { errors } from '../../http/errors';
import type { ChatRequest } from '../openai/request-schemas';
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicRequest,
  AnthropicTool,
  AnthropicToolChoice,
} from '../anthropic/types';

/** `max_tokens` when neither the request nor the endpoint's defaults give one (Anthropic requires it). */
export const DEFAULT_MAX_TOKENS = 4096;

type Body = Record<string, unknown>;

/** OpenAI fields Anthropic has no counterpart for: refused unless they ask for nothing (null, 0, false, empty). */
const REFUSED: Record<string, string> = {
  n: 'Anthropic generates one choice per request; send n requests instead',
  presence_penalty: 'Anthropic has no presence penalty',
  frequency_penalty: 'Anthropic has no frequency penalty',
  logit_bias: 'Anthropic has no per-token logit bias',
  logprobs: 'Anthropic returns no log probabilities',
  top_logprobs: 'Anthropic returns no log probabilities',
  seed: 'Anthropic has no seed for reproducible sampling',
  audio: 'Anthropic has no audio output',
  prediction: 'Anthropic has no predicted outputs',
  web_search_options: "this router does not map web search to Anthropic's server tools",
  reasoning_effort: "this router does not map reasoning effort to Anthropic's extended thinking",
  functions: "use 'tools' (the deprecated 'functions' are not mapped)",
  function_call: "use 'tool_choice' (the deprecated 'function_call' is not mapped)",
};

function asksForNothing(field: string, value: unknown): boolean {
  if (value == null || value === false) return true;
  if (field === 'n') return value === 1;
  if (field === 'presence_penalty' || field === 'frequency_penalty' || field === 'top_logprobs') return value === 0;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * An OpenAI chat request as Anthropic's Messages API takes it (README: "OpenAI chat
 * on Anthropic"). System and developer messages become `system`; tool calls and
 * tool results become `tool_use` / `tool_result` blocks; images become image
 * blocks. Everything Anthropic cannot honour is refused with a 400 naming it.
 */
export function chatToAnthropic(request: ChatRequest, model: string, stream: boolean): AnthropicRequest {
  for (const [field, why] of Object.entries(REFUSED)) {
    if (!asksForNothing(field, request[field])) throw errors.unsupportedParameter(field, why, 'Anthropic model');
  }
  const modalities = request.modalities;
  if (Array.isArray(modalities) && modalities.some((m) => m !== 'text'))
    throw errors.unsupportedParameter('modalities', 'Anthropic answers with text only', 'Anthropic model');
  refuseResponseFormat(request.response_format);

  const out: AnthropicRequest = { model, max_tokens: maxTokens(request), ...conversation(request.messages as Body[]) };
  if (stream) out.stream = true;
  const stop = request.stop;
  if (typeof stop === 'string') out.stop_sequences = [stop];
  else if (stop?.length) out.stop_sequences = stop;
  const temperature = request.temperature;
  if (temperature != null) {
    if (temperature > 1)
      throw errors.unsupportedParameter(
        'temperature',
        `Anthropic takes 0 to 1 (${temperature} given); OpenAI's 0-2 scale is not rescaled`,
        'Anthropic model',
      );
    out.temperature = temperature;
  }
  if (request.top_p != null) out.top_p = request.top_p;
  if (request.top_k != null && request.top_k > 0) out.top_k = request.top_k; // -1 and 0 mean "off"
  if (request.user != null && request.user !== '') out.metadata = { user_id: request.user };
  const tools = toolsOf(request.tools);
  if (tools) out.tools = tools;
  const choice = toolChoiceOf(request.tool_choice, request.parallel_tool_calls);
  if (choice) out.tool_choice = choice;
  return out;
}

function maxTokens(request: ChatRequest): number {
  return request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS;
}

function refuseResponseFormat(format: unknown): void {
  if (format == null) return;
  const type = (format as { type?: unknown }).type;
  if (type === 'text') return;
  throw errors.unsupportedParameter(
    'response_format',
    `Anthropic's Messages API has no '${String(type)}' response format; describe the format in the prompt, or use a tool`,
    'Anthropic model',
  );
}

/** The conversation: leading system/developer messages → `system`; the rest → alternating user/assistant messages. */
function conversation(messages: Body[]): { system?: string; messages: AnthropicMessage[] } {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  messages.forEach((message, i) => {
    const at = `messages.${i}`;
    const role = message.role;
    if (role === 'system' || role === 'developer') {
      if (out.length > 0) {
        throw errors.unsupportedParameter(
          `${at}.role`,
          'Anthropic takes system text only before the conversation (a system message after a user or assistant message has no place there)',
          'Anthropic model',
        );
      }
      system.push(textOnly(message.content, `${at}.content`));
      return;
    }
    if (role === 'function')
      throw errors.unsupportedParameter(
        `${at}.role`,
        "use 'tool' messages (the deprecated 'function' role is not mapped)",
        'Anthropic model',
      );
    const blocks =
      role === 'tool'
        ? [toolResult(message, at)]
        : role === 'assistant'
          ? assistantBlocks(message, at)
          : userBlocks(message.content, at);
    const anthropicRole = role === 'assistant' ? 'assistant' : 'user';
    const last = out[out.length - 1];
    // Anthropic wants user and assistant turns to alternate: consecutive turns of one role (e.g. several tool results) merge.
    if (last && last.role === anthropicRole) last.content = [...(last.content as AnthropicContentBlock[]), ...blocks];
    else out.push({ role: anthropicRole, content: blocks });
  });
  if (out.length === 0)
    throw errors.invalidField('messages', 'Anthropic needs at least one user message besides the system messages');
  return system.length ? { system: system.join('\n\n'), messages: out } : { messages: out };
}

function textOnly(content: unknown, at: string): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: Body, j) => {
        if (part.type !== 'text' || typeof part.text !== 'string')
          throw errors.unsupportedParameter(`${at}.${j}`, 'only text parts are allowed here', 'Anthropic model');
        return part.text;
      })
      .join('');
  }
  if (content == null) return '';
  throw errors.invalidField(at, 'must be a string or an array of text parts');
}

function userBlocks(content: unknown, at: string): AnthropicContentBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw errors.invalidField(`${at}.content`, 'a user message needs content');
  return content.map((part: Body, j) => {
    const where = `${at}.content.${j}`;
    if (part.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text };
    if (part.type === 'image_url') return imageBlock(part.image_url, where);
    throw errors.unsupportedParameter(
      `${where}.type`,
      `Anthropic takes text and image parts here, not '${String(part.type)}'`,
      'Anthropic model',
    );
  });
}

/** `data:` URLs become base64 image sources, http(s) URLs URL sources; `detail` has no Anthropic counterpart (dropped). */
function imageBlock(image: unknown, at: string): AnthropicImageBlock {
  const url = (image as { url?: unknown } | null)?.url;
  if (typeof url !== 'string') throw errors.invalidField(`${at}.image_url.url`, 'required field is missing');
  const data = /^data:(image\/(?:jpeg|png|gif|webp));base64,(.+)$/s.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1]!, data: data[2]! } };
  if (url.startsWith('data:'))
    throw errors.unsupportedParameter(
      `${at}.image_url.url`,
      'Anthropic takes base64 JPEG, PNG, GIF or WebP images',
      'Anthropic model',
    );
  if (/^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw errors.invalidField(`${at}.image_url.url`, 'must be an http(s) URL or a data: URL');
}

function assistantBlocks(message: Body, at: string): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  const text = textOnly(message.content, `${at}.content`);
  if (text !== '') blocks.push({ type: 'text', text });
  const calls = message.tool_calls;
  if (Array.isArray(calls)) {
    calls.forEach((call: Body, j) => {
      const where = `${at}.tool_calls.${j}`;
      const fn = call.function as { name?: unknown; arguments?: unknown } | undefined;
      if (typeof call.id !== 'string' || typeof fn?.name !== 'string')
        throw errors.invalidField(where, 'a tool call needs an id and function.name');
      blocks.push({
        type: 'tool_use',
        id: call.id,
        name: fn.name,
        input: parseArguments(fn.arguments, `${where}.function.arguments`),
      });
    });
  }
  if (blocks.length === 0) blocks.push({ type: 'text', text: '' });
  return blocks;
}

function parseArguments(args: unknown, at: string): unknown {
  if (args == null || args === '') return {};
  if (typeof args !== 'string') throw errors.invalidField(at, 'must be a JSON string');
  try {
    const parsed = JSON.parse(args) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch {
    throw errors.invalidField(
      at,
      'must be a JSON object encoded as a string (Anthropic takes tool input as an object)',
    );
  }
}

function toolResult(message: Body, at: string): AnthropicContentBlock {
  if (typeof message.tool_call_id !== 'string')
    throw errors.invalidField(`${at}.tool_call_id`, 'required field is missing');
  return {
    type: 'tool_result',
    tool_use_id: message.tool_call_id,
    content: textOnly(message.content, `${at}.content`),
  };
}

function toolsOf(tools: unknown): AnthropicTool[] | undefined {
  if (tools == null) return undefined;
  if (!Array.isArray(tools)) throw errors.invalidField('tools', 'must be an array');
  if (tools.length === 0) return undefined;
  return tools.map((tool: Body, i) => {
    const fn = tool.function as Body | undefined;
    if (tool.type !== 'function' || !fn || typeof fn.name !== 'string') {
      throw errors.invalidField(
        `tools.${i}`,
        "each tool must be { type: 'function', function: { name, description?, parameters? } }",
      );
    }
    if (fn.strict === true)
      throw errors.unsupportedParameter(
        `tools.${i}.function.strict`,
        'strict schema adherence is not mapped to Anthropic',
        'Anthropic model',
      );
    const out: AnthropicTool = {
      name: fn.name,
      input_schema: (fn.parameters as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
    };
    if (typeof fn.description === 'string') out.description = fn.description;
    return out;
  });
}

function toolChoiceOf(choice: unknown, parallel: unknown): AnthropicToolChoice | undefined {
  let out: AnthropicToolChoice | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else if (choice && typeof choice === 'object') {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    if (typeof name !== 'string')
      throw errors.invalidField(
        'tool_choice',
        "must be 'auto', 'none', 'required' or { type: 'function', function: { name } }",
      );
    out = { type: 'tool', name };
  } else if (choice != null) {
    throw errors.invalidField(
      'tool_choice',
      "must be 'auto', 'none', 'required' or { type: 'function', function: { name } }",
    );
  }
  if (parallel === false) {
    out ??= { type: 'auto' };
    if (out.type !== 'none') out.disable_parallel_tool_use = true;
  }
  return out;
}
