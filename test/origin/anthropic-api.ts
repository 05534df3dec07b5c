// Anthropic's Messages API (`/anthropic` prefix; base URL `<emulator>/anthropic`):
// `POST /v1/messages`, streaming and not, with tools, stop sequences and usage, in
// Anthropic's shapes. Checks `x-api-key` and `anthropic-version` first, then the body
// as the API does (required max_tokens, user/assistant roles only, temperature 0-1,
// tool results that answer a tool_use of the previous turn, no unknown fields).

import { randomUUID } from 'node:crypto';
import { empty, isObject, json, stream, type Frame, type Plan, type RouteContext } from './plan.ts';
import { anthropicError } from './provider-errors.ts';
import { chooseToolCall, jsonPieces } from './provider-tools.ts';
import { anthropicEvent, PROVIDER_SSE_HEADERS } from './sse.ts';
import { countWords, generate } from './tokens.ts';

export const ANTHROPIC_MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5'];

const FIELDS = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'stream',
  'tools',
  'tool_choice',
  'metadata',
  'thinking',
  'service_tier',
]);

type Block = Record<string, unknown> & { type?: unknown };

function invalid(message: string): Plan {
  return anthropicError(400, 'invalid_request_error', message);
}

function blocksOf(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Block[]) : [];
}

/** The request's problem as Anthropic words it, or null. */
function validate(body: Record<string, unknown>): Plan | null {
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) return invalid(`${key}: Extra inputs are not permitted`);
  if (typeof body.model !== 'string') return invalid('model: Field required');
  if (typeof body.max_tokens !== 'number') return invalid('max_tokens: Field required');
  if (body.max_tokens < 1) return invalid('max_tokens: Input should be greater than or equal to 1');
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return invalid('messages: at least one message is required');
  if (typeof body.temperature === 'number' && (body.temperature < 0 || body.temperature > 1))
    return invalid('temperature: Input should be less than or equal to 1');
  if (body.stop_sequences !== undefined && !Array.isArray(body.stop_sequences))
    return invalid('stop_sequences: Input should be a valid list');
  let previousToolUses = new Set<string>();
  for (const [i, m] of (body.messages as Array<Record<string, unknown>>).entries()) {
    if (m.role !== 'user' && m.role !== 'assistant') {
      return invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    if (typeof m.content !== 'string' && !Array.isArray(m.content))
      return invalid(`messages.${i}.content: Field required`);
    const uses = new Set<string>();
    for (const [j, block] of blocksOf(m.content).entries()) {
      const at = `messages.${i}.content.${j}`;
      if (block.type === 'tool_result') {
        if (m.role !== 'user') return invalid(`${at}: tool_result blocks are only allowed in user messages`);
        if (!previousToolUses.has(String(block.tool_use_id))) {
          return invalid(
            `${at}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        }
      } else if (block.type === 'tool_use') {
        if (m.role !== 'assistant') return invalid(`${at}: tool_use blocks are only allowed in assistant messages`);
        if (!isObject(block.input)) return invalid(`${at}.input: Input should be a valid dictionary`);
        uses.add(String(block.id));
      } else if (block.type === 'image') {
        const source = block.source as Record<string, unknown> | undefined;
        if (!isObject(source) || (source.type !== 'base64' && source.type !== 'url'))
          return invalid(`${at}.source: Input tag does not match any of the expected tags: 'base64', 'url'`);
      } else if (block.type !== 'text') {
        return invalid(`${at}.type: Input tag '${String(block.type)}' does not match any of the expected tags`);
      }
    }
    previousToolUses = uses;
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return invalid('tools: Input should be a valid list');
    for (const [i, tool] of (body.tools as Array<Record<string, unknown>>).entries()) {
      if (typeof tool.name !== 'string' || !isObject(tool.input_schema))
        return invalid(`tools.${i}: name and input_schema are required`);
    }
  }
  return null;
}

function text(body: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof body.system === 'string') parts.push(body.system);
  else for (const b of blocksOf(body.system)) if (typeof b.text === 'string') parts.push(b.text);
  for (const m of body.messages as Array<Record<string, unknown>>) {
    for (const b of blocksOf(m.content)) {
      if (typeof b.text === 'string') parts.push(b.text);
      else if (b.type === 'tool_result') parts.push(typeof b.content === 'string' ? b.content : 'result');
    }
  }
  return parts.join('\n');
}

function messages(ctx: RouteContext): Plan {
  if (ctx.jsonError !== null || !isObject(ctx.body))
    return invalid('There was an issue with your request body: it is not valid JSON');
  const body = ctx.body;
  const problem = validate(body);
  if (problem) return problem;
  if (!ANTHROPIC_MODELS.includes(body.model as string))
    return anthropicError(404, 'not_found_error', `model: ${String(body.model)}`);

  const prompt = text(body);
  const inputTokens = countWords(prompt);
  const gen = generate(prompt, {
    maxTokens: body.max_tokens as number,
    stop: (body.stop_sequences as string[] | undefined) ?? [],
    style: 'vllm',
  });
  const msgs = body.messages as Array<Record<string, unknown>>;
  const last = msgs.at(-1);
  const answeringTool = last?.role === 'user' && blocksOf(last.content).some((b) => b.type === 'tool_result');
  const tools = Array.isArray(body.tools)
    ? (body.tools as Array<{ name: string; input_schema: unknown }>).map((t) => ({
        name: t.name,
        schema: t.input_schema,
      }))
    : [];
  const choice = isObject(body.tool_choice) ? body.tool_choice : {};
  const forced = choice.type === 'tool' && typeof choice.name === 'string' ? choice.name : null;
  const call = chooseToolCall(tools, forced, choice.type === 'none', answeringTool);
  const preamble = call ? "I'll look that up." : gen.text;
  const stopReason = call
    ? 'tool_use'
    : gen.finish === 'length'
      ? 'max_tokens'
      : gen.finish === 'stop'
        ? 'stop_sequence'
        : 'end_turn';
  const stopSequence = !call && gen.finish === 'stop' ? gen.stopMatched : null;
  const outputTokens = call ? 12 : gen.tokens.length;
  const id = `msg_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const toolId = `toolu_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const usage = {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };

  if (body.stream !== true) {
    const content: unknown[] = [{ type: 'text', text: preamble }];
    if (call) content.push({ type: 'tool_use', id: toolId, name: call.name, input: call.input });
    return json(
      200,
      {
        id,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content,
        stop_reason: stopReason,
        stop_sequence: stopSequence,
        usage,
      },
      {},
      outputTokens,
    );
  }

  const frames: Frame[] = [
    {
      data: anthropicEvent({
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      }),
      token: false,
    },
    {
      data: anthropicEvent({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      token: false,
    },
    { data: anthropicEvent({ type: 'ping' }), token: false },
  ];
  const pieces = call ? [preamble] : gen.pieces.filter((p) => p !== '');
  for (const piece of pieces)
    frames.push({
      data: anthropicEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }),
      token: true,
    });
  frames.push({ data: anthropicEvent({ type: 'content_block_stop', index: 0 }), token: false });
  if (call) {
    frames.push({
      data: anthropicEvent({
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: toolId, name: call.name, input: {} },
      }),
      token: false,
    });
    frames.push({
      data: anthropicEvent({
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '' },
      }),
      token: false,
    });
    for (const piece of jsonPieces(call.input)) {
      frames.push({
        data: anthropicEvent({
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: piece },
        }),
        token: true,
      });
    }
    frames.push({ data: anthropicEvent({ type: 'content_block_stop', index: 1 }), token: false });
  }
  frames.push({
    data: anthropicEvent({
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: stopSequence },
      usage: { output_tokens: outputTokens },
    }),
    token: false,
  });
  frames.push({ data: anthropicEvent({ type: 'message_stop' }), token: false });
  return stream('anthropic', { ...PROVIDER_SSE_HEADERS }, frames);
}

export function anthropicRoute(ctx: RouteContext): Plan {
  if (ctx.path === '/health' && ctx.method === 'GET') return empty(200);
  if (ctx.path !== '/v1/messages' || ctx.method !== 'POST') return anthropicError(404, 'not_found_error', 'Not Found');
  // `x-api-key` (the documented header, which the router sends) or a bearer token (newer SDKs send that).
  const key = ctx.rawApiKey ?? ctx.rawAuthorization?.replace(/^Bearer\s+/i, '');
  if (!key) return anthropicError(401, 'authentication_error', 'x-api-key header is required');
  if (!ctx.providerKeys.anthropic.includes(key))
    return anthropicError(401, 'authentication_error', 'invalid x-api-key');
  if (!ctx.headers['anthropic-version']) return invalid('anthropic-version: header is required');
  return messages(ctx);
}
