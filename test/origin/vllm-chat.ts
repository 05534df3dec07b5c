// vLLM POST /v1/chat/completions (docs/protocols/openai.md).

import { randomUUID } from 'node:crypto';
import { json, nowSeconds, stream, type Frame, type Plan, type RouteContext } from './plan.ts';
import { VLLM_DONE, VLLM_SSE_HEADERS, vllmEvent } from './sse.ts';
import { countWords, generate, messagesText, topCandidates, type Tok } from './tokens.ts';
import { generatedCall, plannedToolCall, type PlannedCall } from './tool-calls.ts';
import { checkCombinations, checkContext, checkSampling, checkShape, MAX_MODEL_LEN } from './validate-openai.ts';
import {
  badRequest,
  finishFields,
  guardJson,
  renderToken,
  requestIdSuffix,
  resolveModel,
  servedModels,
  stopList,
  streamUsage,
  usage,
} from './vllm-common.ts';

function lpEntry(tok: Tok, asIds: boolean): { token: string; logprob: number; bytes: number[] } {
  const token = renderToken(tok, asIds);
  return { token, logprob: tok.logprob, bytes: [...Buffer.from(token)] };
}

function chatLogprob(tok: Tok, top: number, asIds: boolean): Record<string, unknown> {
  return { ...lpEntry(tok, asIds), top_logprobs: topCandidates(tok, top).map((t) => lpEntry(t, asIds)) };
}

export function chatCompletions(ctx: RouteContext): Plan {
  const guard = guardJson(ctx);
  if (guard) return guard;
  const shape = checkShape(ctx.body, 'chat');
  if (shape) return badRequest(shape.message, shape.param);
  const body = ctx.body as Record<string, unknown>;
  const combo = checkCombinations(body, 'chat');
  if (combo) return badRequest(combo.message, combo.param);
  const model = resolveModel(body.model, servedModels(ctx));
  if (typeof model !== 'string') return model;

  const prompt = messagesText(body.messages as unknown[]);
  const promptTokens = countWords(prompt);
  const requested = body.max_completion_tokens ?? body.max_tokens;
  const maxTokens = typeof requested === 'number' ? requested : null;
  const overflow = checkContext(promptTokens, maxTokens, 'chat');
  if (overflow) return badRequest(overflow.message, overflow.param);
  const sampling = checkSampling(body, 'chat');
  if (sampling) return badRequest(sampling.message, sampling.param);

  const call = plannedToolCall(body);
  if (call) return toolCallAnswer(ctx, body, model, call, promptTokens, maxTokens);
  const gen = generate(prompt, {
    maxTokens: maxTokens ?? MAX_MODEL_LEN - promptTokens,
    stop: stopList(body.stop),
    style: 'vllm',
    includeStop: body.include_stop_str_in_output === true,
    ignoreEos: body.ignore_eos === true,
  });
  const wantLogprobs = body.logprobs === true;
  const top = typeof body.top_logprobs === 'number' ? body.top_logprobs : 0;
  const asIds = body.return_tokens_as_token_ids === true;
  const logprobsFor = (toks: Tok[]) =>
    wantLogprobs ? { content: toks.filter((t) => !t.special).map((t) => chatLogprob(t, top, asIds)) } : null;
  const id = `chatcmpl-${requestIdSuffix(ctx)}`;
  const created = nowSeconds();
  const fin = finishFields(gen.finish, gen.stopMatched);
  const completionTokens = gen.tokens.length;

  if (body.stream !== true) {
    return json(
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: gen.text, reasoning_content: null, tool_calls: [] },
            logprobs: logprobsFor(gen.tokens),
            finish_reason: fin.finish_reason,
            stop_reason: fin.stop_reason,
          },
        ],
        usage: { ...usage(promptTokens, completionTokens), prompt_tokens_details: null },
        prompt_logprobs: null,
        system_fingerprint: null,
      },
      {},
      completionTokens,
    );
  }

  const su = streamUsage(body);
  const chunk = (choices: unknown[], emitted: number, extra: Record<string, unknown> = {}) =>
    vllmEvent({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices,
      ...extra,
      ...(su.continuous ? { usage: usage(promptTokens, emitted) } : {}),
    });
  const frames: Frame[] = [
    {
      data: chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], 0),
      token: false,
    },
  ];
  gen.tokens.forEach((tok, i) => {
    const last = i === gen.tokens.length - 1;
    const piece = gen.pieces[i] ?? '';
    if (!last && piece === '') {
      frames.push({ data: '', token: true }); // vLLM skips chunks with an empty delta
      return;
    }
    const choice: Record<string, unknown> = {
      index: 0,
      delta: { content: piece },
      logprobs: logprobsFor([tok]),
      finish_reason: last ? fin.finish_reason : null,
    };
    if (last) choice.stop_reason = fin.stop_reason;
    frames.push({ data: chunk([choice], i + 1), token: true });
  });
  if (su.include) {
    frames.push({
      data: vllmEvent({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage: usage(promptTokens, completionTokens),
      }),
      token: false,
    });
  }
  frames.push({ data: VLLM_DONE, token: false });
  return stream('vllm', { ...VLLM_SSE_HEADERS }, frames);
}

/**
 * A tool call (docs/protocols/openai.md): finish_reason `tool_calls`, content null; streamed as the call's name, then
 * its arguments in pieces (one token each). A `max_tokens` below the call's tokens stops it there, streaming or not,
 * with the arguments cut short and finish_reason `length`, as vLLM's streaming tool parser leaves them.
 */
function toolCallAnswer(
  ctx: RouteContext,
  body: Record<string, unknown>,
  model: string,
  call: PlannedCall,
  promptTokens: number,
  maxTokens: number | null,
): Plan {
  const id = `chatcmpl-${requestIdSuffix(ctx)}`;
  const callId = `chatcmpl-tool-${randomUUID().replace(/-/g, '')}`;
  const created = nowSeconds();
  const gen = generatedCall(call, maxTokens);
  if (body.stream !== true) {
    return json(
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              reasoning_content: null,
              tool_calls: [{ id: callId, type: 'function', function: { name: call.name, arguments: gen.arguments } }],
            },
            logprobs: null,
            finish_reason: gen.cut ? 'length' : 'tool_calls',
            stop_reason: null,
          },
        ],
        usage: { ...usage(promptTokens, gen.tokens), prompt_tokens_details: null },
        prompt_logprobs: null,
        system_fingerprint: null,
      },
      {},
      gen.tokens,
    );
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    vllmEvent({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...(finish ? { stop_reason: null } : {}) }],
    });
  const frames: Frame[] = [
    { data: chunk({ role: 'assistant', content: '' }), token: false },
    {
      data: chunk({ tool_calls: [{ id: callId, type: 'function', index: 0, function: { name: call.name } }] }),
      token: true,
    },
    ...gen.pieces.map((arguments_) => ({
      data: chunk({ tool_calls: [{ index: 0, function: { arguments: arguments_ } }] }),
      token: true,
    })),
    { data: chunk({}, gen.cut ? 'length' : 'tool_calls'), token: false },
  ];
  if (streamUsage(body).include) {
    frames.push({
      data: vllmEvent({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage: usage(promptTokens, gen.tokens),
      }),
      token: false,
    });
  }
  frames.push({ data: VLLM_DONE, token: false });
  return stream('vllm', { ...VLLM_SSE_HEADERS }, frames);
}
