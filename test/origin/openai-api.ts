// OpenAI's hosted API (`/openai` prefix; base URL `<emulator>/openai/v1`): chat completions
// (with tools), completions, embeddings and models, in OpenAI's own shapes. Every route
// but /health checks `Authorization: Bearer <key>` against the accepted keys first.

import { randomUUID } from 'node:crypto';
import { empty, isObject, json, nowSeconds, stream, type Frame, type Plan, type RouteContext } from './plan.ts';
import { openaiError } from './provider-errors.ts';
import { maskKey } from './provider-keys.ts';
import { chooseToolCall, jsonPieces } from './provider-tools.ts';
import { PROVIDER_SSE_HEADERS, VLLM_DONE, vllmEvent } from './sse.ts';
import { countWords, generate, messagesText, type Generation } from './tokens.ts';
import { embed, toBase64 } from './vllm-embeddings.ts';

export const OPENAI_CHAT_MODELS = ['gpt-4o-mini', 'gpt-4o'];
export const OPENAI_COMPLETION_MODELS = ['gpt-3.5-turbo-instruct'];
export const OPENAI_EMBEDDING_MODELS = ['text-embedding-3-small'];
/** The dated snapshot OpenAI reports as `model` for an alias. */
const SNAPSHOT: Record<string, string> = { 'gpt-4o-mini': 'gpt-4o-mini-2024-07-18', 'gpt-4o': 'gpt-4o-2024-08-06' };

const CHAT_FIELDS = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'user',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'metadata',
  'store',
  'service_tier',
]);
const COMPLETION_FIELDS = new Set([
  'model',
  'prompt',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'max_tokens',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'seed',
  'user',
  'echo',
  'suffix',
  'best_of',
]);

function authError(ctx: RouteContext): Plan | null {
  const header = ctx.rawAuthorization ?? '';
  if (!header) {
    return openaiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error',
    );
  }
  const key = header.replace(/^Bearer\s+/i, '');
  if (ctx.providerKeys.openai.includes(key)) return null;
  return openaiError(
    401,
    `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    'invalid_api_key',
  );
}

function bad(message: string, param: string | null = null): Plan {
  return openaiError(400, message, 'invalid_request_error', null, param);
}

function checkBody(ctx: RouteContext, fields: Set<string>, models: string[]): Record<string, unknown> | Plan {
  if (ctx.jsonError !== null || !isObject(ctx.body)) {
    return bad(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
    );
  }
  const body = ctx.body;
  for (const key of Object.keys(body))
    if (!fields.has(key)) return bad(`Unrecognized request argument supplied: ${key}`);
  if (typeof body.model !== 'string') return bad('you must provide a model parameter');
  if (!models.includes(body.model)) {
    return openaiError(
      404,
      `The model \`${body.model}\` does not exist or you do not have access to it.`,
      'invalid_request_error',
      'model_not_found',
    );
  }
  if (typeof body.temperature === 'number' && (body.temperature < 0 || body.temperature > 2)) {
    return bad(
      `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${body.temperature} instead.`,
      'temperature',
    );
  }
  return body;
}

function usage(prompt: number, completion: number) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function finishOf(gen: Generation): string {
  return gen.finish === 'length' ? 'length' : 'stop';
}

function stops(stop: unknown): string[] {
  return typeof stop === 'string'
    ? [stop]
    : Array.isArray(stop)
      ? stop.filter((s): s is string => typeof s === 'string')
      : [];
}

function chat(ctx: RouteContext): Plan {
  const checked = checkBody(ctx, CHAT_FIELDS, OPENAI_CHAT_MODELS);
  if (!isObject(checked) || 'kind' in checked) return checked as Plan;
  const body = checked;
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return bad(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
    );
  const model = SNAPSHOT[body.model as string] ?? (body.model as string);
  const messages = body.messages as Array<Record<string, unknown>>;
  const prompt = messagesText(messages);
  const promptTokens = countWords(prompt);
  const maxTokens = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
  const gen = generate(prompt, { maxTokens: maxTokens ?? 4096, stop: stops(body.stop), style: 'vllm' });
  const tools = Array.isArray(body.tools)
    ? (body.tools as Array<{ function?: { name?: string; parameters?: unknown } }>).map((t) => ({
        name: t.function?.name ?? '',
        schema: t.function?.parameters,
      }))
    : [];
  const forced = isObject(body.tool_choice)
    ? ((body.tool_choice.function as { name?: string } | undefined)?.name ?? null)
    : null;
  const call = chooseToolCall(tools, forced, body.tool_choice === 'none', messages.at(-1)?.role === 'tool');
  const id = `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 29)}`;
  const created = nowSeconds();
  const callId = `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const completionTokens = call ? 12 : gen.tokens.length;

  if (body.stream !== true) {
    const message = call
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: callId, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.input) } },
          ],
          refusal: null,
          annotations: [],
        }
      : { role: 'assistant', content: gen.text, refusal: null, annotations: [] };
    return json(
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: call ? 'tool_calls' : finishOf(gen) }],
        usage: usage(promptTokens, completionTokens),
        service_tier: 'default',
        system_fingerprint: 'fp_emulated',
      },
      {},
      completionTokens,
    );
  }

  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    vllmEvent({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      service_tier: 'default',
      system_fingerprint: 'fp_emulated',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames: Frame[] = [];
  if (call) {
    frames.push({
      data: chunk(
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: call.name, arguments: '' } }],
          refusal: null,
        },
        null,
      ),
      token: false,
    });
    for (const piece of jsonPieces(call.input))
      frames.push({ data: chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null), token: true });
  } else {
    frames.push({ data: chunk({ role: 'assistant', content: '', refusal: null }, null), token: false });
    for (const piece of gen.pieces)
      if (piece !== '') frames.push({ data: chunk({ content: piece }, null), token: true });
  }
  frames.push({ data: chunk({}, call ? 'tool_calls' : finishOf(gen)), token: false });
  if (includeUsage) {
    frames.push({
      data: vllmEvent({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        service_tier: 'default',
        system_fingerprint: 'fp_emulated',
        choices: [],
        usage: usage(promptTokens, completionTokens),
      }),
      token: false,
    });
  }
  frames.push({ data: VLLM_DONE, token: false });
  return stream('openai', { ...PROVIDER_SSE_HEADERS }, frames);
}

function completions(ctx: RouteContext): Plan {
  const checked = checkBody(ctx, COMPLETION_FIELDS, OPENAI_COMPLETION_MODELS);
  if (!isObject(checked) || 'kind' in checked) return checked as Plan;
  const body = checked;
  if (typeof body.prompt !== 'string') return bad("Invalid 'prompt': this emulator takes a string prompt.", 'prompt');
  const gen = generate(body.prompt, {
    maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : 16,
    stop: stops(body.stop),
    style: 'vllm',
  });
  const promptTokens = countWords(body.prompt);
  const id = `cmpl-${randomUUID().replace(/-/g, '').slice(0, 29)}`;
  const created = nowSeconds();
  const model = body.model as string;
  if (body.stream !== true) {
    return json(
      200,
      {
        id,
        object: 'text_completion',
        created,
        model,
        choices: [{ text: gen.text, index: 0, logprobs: null, finish_reason: finishOf(gen) }],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: gen.tokens.length,
          total_tokens: promptTokens + gen.tokens.length,
        },
      },
      {},
      gen.tokens.length,
    );
  }
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (text: string, finish: string | null) =>
    vllmEvent({
      id,
      object: 'text_completion',
      created,
      model,
      choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames: Frame[] = gen.pieces.filter((p) => p !== '').map((p) => ({ data: chunk(p, null), token: true }));
  frames.push({ data: chunk('', finishOf(gen)), token: false });
  if (includeUsage) {
    frames.push({
      data: vllmEvent({
        id,
        object: 'text_completion',
        created,
        model,
        choices: [],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: gen.tokens.length,
          total_tokens: promptTokens + gen.tokens.length,
        },
      }),
      token: false,
    });
  }
  frames.push({ data: VLLM_DONE, token: false });
  return stream('openai', { ...PROVIDER_SSE_HEADERS }, frames);
}

function embeddings(ctx: RouteContext): Plan {
  const checked = checkBody(
    ctx,
    new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']),
    OPENAI_EMBEDDING_MODELS,
  );
  if (!isObject(checked) || 'kind' in checked) return checked as Plan;
  const body = checked;
  const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input : null;
  if (!inputs || inputs.length === 0 || inputs.some((i) => typeof i !== 'string'))
    return bad("Invalid 'input': expected a string or an array of strings.", 'input');
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64')
    return bad(`Invalid value for 'encoding_format': ${String(format)}`, 'encoding_format');
  const tokens = (inputs as string[]).reduce((n, t) => n + countWords(t), 0);
  return json(200, {
    object: 'list',
    data: (inputs as string[]).map((text, index) => {
      const vec = embed(text);
      return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vec) : vec };
    }),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function models(): Plan {
  const created = nowSeconds();
  const ids = [...OPENAI_CHAT_MODELS, ...OPENAI_COMPLETION_MODELS, ...OPENAI_EMBEDDING_MODELS];
  return json(200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: 'system' })) });
}

const ROUTES: Record<string, (ctx: RouteContext) => Plan> = {
  'POST /v1/chat/completions': chat,
  'POST /v1/completions': completions,
  'POST /v1/embeddings': embeddings,
  'GET /v1/models': models,
};

export function openaiApiRoute(ctx: RouteContext): Plan {
  if (ctx.path === '/health' && ctx.method === 'GET') return empty(200);
  const route = ROUTES[`${ctx.method} ${ctx.path}`];
  if (!route) return openaiError(404, `Invalid URL (${ctx.method} ${ctx.path})`, 'invalid_request_error');
  return authError(ctx) ?? route(ctx);
}
