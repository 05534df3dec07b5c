// vLLM POST /v1/responses (the OpenAI Responses API vLLM serves itself): text answers, stateless
// use only. Streams are typed events, `event: <type>` + `data: {…,"sequence_number":n}`, with no
// `[DONE]`; usage comes in `response.completed`.

import { randomUUID } from 'node:crypto';
import { isObject, json, nowSeconds, stream, type Frame, type Plan, type RouteContext } from './plan.ts';
import { VLLM_SSE_HEADERS } from './sse.ts';
import { countWords, generate } from './tokens.ts';
import { MAX_MODEL_LEN } from './validate-openai.ts';
import { badRequest, guardJson, resolveModel, servedModels } from './vllm-common.ts';

/** The text of `instructions` and `input` (a string, or message items with text parts). */
function promptOf(body: Record<string, unknown>): string {
  const parts: string[] = typeof body.instructions === 'string' ? [body.instructions] : [];
  const input = body.input;
  if (typeof input === 'string') parts.push(input);
  else if (Array.isArray(input)) {
    for (const item of input.filter(isObject)) {
      if (typeof item.content === 'string') parts.push(item.content);
      else if (Array.isArray(item.content))
        for (const p of item.content.filter(isObject)) if (typeof p.text === 'string') parts.push(p.text);
      if (typeof item.output === 'string') parts.push(item.output);
    }
  }
  return parts.join('\n');
}

export function responses(ctx: RouteContext): Plan {
  const guard = guardJson(ctx);
  if (guard) return guard;
  if (!isObject(ctx.body))
    return badRequest(
      "[{'type': 'model_attributes_type', 'loc': ('body',), 'msg': 'Input should be a valid dictionary'}]",
    );
  const body = ctx.body;
  if (typeof body.input !== 'string' && !Array.isArray(body.input)) {
    return badRequest("[{'type': 'missing', 'loc': ('body', 'input'), 'msg': 'Field required'}]", 'input');
  }
  const model = resolveModel(body.model, servedModels(ctx));
  if (typeof model !== 'string') return model;
  const prompt = promptOf(body);
  const inputTokens = countWords(prompt);
  const maxTokens = typeof body.max_output_tokens === 'number' ? body.max_output_tokens : MAX_MODEL_LEN - inputTokens;
  const gen = generate(prompt, { maxTokens, style: 'vllm' });
  const hex = () => randomUUID().replace(/-/g, '');
  const id = `resp_${hex()}`;
  const msgId = `msg_${hex()}`;
  const incomplete = gen.finish === 'length';
  const base = {
    id,
    created_at: nowSeconds(),
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    metadata: body.metadata ?? null,
    model,
    object: 'response',
    parallel_tool_calls: true,
    temperature: body.temperature ?? 1,
    tool_choice: 'auto',
    tools: [],
    top_p: body.top_p ?? 1,
    background: false,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    previous_response_id: null,
    prompt: null,
    reasoning: null,
    service_tier: 'auto',
    text: null,
    top_logprobs: null,
    truncation: 'disabled',
    user: null,
  };
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: gen.tokens.length,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + gen.tokens.length,
  };
  const part = { annotations: [], text: gen.text, type: 'output_text', logprobs: null };
  const item = {
    id: msgId,
    content: [part],
    role: 'assistant',
    status: incomplete ? 'incomplete' : 'completed',
    type: 'message',
  };
  const final = { ...base, output: [item], status: incomplete ? 'incomplete' : 'completed', usage };
  if (body.stream !== true) return json(200, final, {}, gen.tokens.length);

  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>, token = false): Frame => ({
    data: `event: ${type}\ndata: ${JSON.stringify({ ...fields, sequence_number: sequence++, type })}\n\n`,
    token,
  });
  const running = { ...base, output: [], status: 'in_progress', usage: null };
  const frames: Frame[] = [
    event('response.created', { response: running }),
    event('response.in_progress', { response: running }),
    event('response.output_item.added', { item: { ...item, content: [], status: 'in_progress' }, output_index: 0 }),
    event('response.content_part.added', {
      content_index: 0,
      item_id: msgId,
      output_index: 0,
      part: { ...part, text: '' },
    }),
  ];
  for (const delta of gen.pieces) {
    frames.push(
      delta === ''
        ? { data: '', token: true }
        : event(
            'response.output_text.delta',
            { content_index: 0, delta, item_id: msgId, output_index: 0, logprobs: [] },
            true,
          ),
    );
  }
  frames.push(
    event('response.output_text.done', {
      content_index: 0,
      item_id: msgId,
      output_index: 0,
      text: gen.text,
      logprobs: [],
    }),
    event('response.content_part.done', { content_index: 0, item_id: msgId, output_index: 0, part }),
    event('response.output_item.done', { item, output_index: 0 }),
    event(incomplete ? 'response.incomplete' : 'response.completed', { response: final }),
  );
  return stream('vllm-responses', { ...VLLM_SSE_HEADERS }, frames);
}
