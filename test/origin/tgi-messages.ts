// TGI's Messages API: POST /v1/chat/completions and POST /v1/completions (docs/protocols/tgi.md).
// Quirks: id "", system_fingerprint "3.3.6-native", every delta carries the role, usage:null on every
// chunk, finish_reason length/stop_sequence pass through, `stop` must be an array.

import { isObject, json, nowSeconds, stream, type Frame, type Plan, type RouteContext } from './plan.ts';
import { TGI_DONE, TGI_SSE_HEADERS, tgiEvent } from './sse.ts';
import {
  deserializeError,
  finishMessages,
  guardAxumJson,
  isOverloaded,
  OVERLOADED,
  SYSTEM_FINGERPRINT,
  tgiError,
} from './tgi-common.ts';
import { countWords, generate, messagesText, topCandidates, type Generation, type Tok } from './tokens.ts';
import { generatedCall, plannedToolCall, type PlannedCall } from './tool-calls.ts';
import { CHAT_FIELDS, checkFields, COMPLETION_FIELDS, TGI_LIMITS, validateGenerate } from './validate-tgi.ts';

const SSE_HEADERS = { ...TGI_SSE_HEADERS, 'x-accel-buffering': 'no' };

/** OpenAI fields → TGI GenerateParameters (temperature 0 → greedy; presence_penalty → repetition_penalty + 2). */
function toParams(body: Record<string, unknown>): Record<string, unknown> {
  const p: Record<string, unknown> = { details: true };
  if (body.temperature === 0) p.do_sample = false;
  else {
    p.do_sample = true;
    if (body.temperature != null) p.temperature = body.temperature;
  }
  if (body.top_p != null) p.top_p = body.top_p;
  if (body.frequency_penalty != null) p.frequency_penalty = body.frequency_penalty;
  if (body.repetition_penalty != null) p.repetition_penalty = body.repetition_penalty;
  if (typeof body.presence_penalty === 'number') p.repetition_penalty = body.presence_penalty + 2;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) p.max_new_tokens = maxTokens;
  if (body.seed != null) p.seed = body.seed;
  if (Array.isArray(body.stop)) p.stop = body.stop;
  if (body.top_logprobs != null) p.top_n_tokens = body.top_logprobs;
  return p;
}

function run(inputs: string, p: Record<string, unknown>): { gen: Generation; inputLength: number } {
  const inputLength = countWords(inputs);
  const maxNew = typeof p.max_new_tokens === 'number' ? p.max_new_tokens : TGI_LIMITS.maxTotalTokens - inputLength;
  const stop = Array.isArray(p.stop) ? (p.stop as string[]) : [];
  return { gen: generate(inputs, { maxTokens: maxNew, stop, style: 'tgi' }), inputLength };
}

function chatLogprobs(toks: Tok[], top: number) {
  return {
    content: toks.map((t) => ({
      token: t.text,
      logprob: t.logprob,
      top_logprobs: topCandidates(t, top).map((c) => ({ token: c.text, logprob: c.logprob })),
    })),
  };
}

function shapeError(body: unknown, required: 'messages' | 'prompt', fields: typeof CHAT_FIELDS): Plan | null {
  if (!isObject(body)) return deserializeError('invalid type: sequence, expected a map');
  if (!(required in body)) return deserializeError(`missing field \`${required}\``);
  const v = body[required];
  if (required === 'messages' && !Array.isArray(v))
    return deserializeError('messages: invalid type: map, expected a sequence');
  if (required === 'prompt' && typeof v !== 'string' && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) {
    return deserializeError('prompt: data did not match any variant of untagged enum Prompt');
  }
  const bad = checkFields(body, fields);
  return bad ? deserializeError(bad) : null;
}

const usageOf = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

export function tgiChat(ctx: RouteContext): Plan {
  const guard = guardAxumJson(ctx) ?? shapeError(ctx.body, 'messages', CHAT_FIELDS);
  if (guard) return guard;
  const body = ctx.body as Record<string, unknown>;
  const streaming = body.stream === true;
  const failStream = (message: string) =>
    stream(
      'tgi-openai',
      SSE_HEADERS,
      [
        { data: tgiEvent({ error: { message, http_status_code: 422 } }), token: false },
        { data: TGI_DONE, token: false },
      ],
      true,
    );
  if (isOverloaded(ctx)) return streaming ? failStream(OVERLOADED.error) : json(429, OVERLOADED);
  const inputs = messagesText(body.messages as unknown[]);
  const p = toParams(body);
  const invalid = validateGenerate(inputs, countWords(inputs), p, { stream: streaming });
  if (invalid) return streaming ? failStream(invalid) : tgiError(422, invalid, 'validation');

  const model = typeof body.model === 'string' ? body.model : 'tgi';
  const created = nowSeconds();
  const call = plannedToolCall(body);
  if (call)
    return tgiToolCall(
      body,
      { id: '', created, model, system_fingerprint: SYSTEM_FINGERPRINT },
      call,
      countWords(inputs),
      typeof p.max_new_tokens === 'number' ? p.max_new_tokens : null,
    );
  const { gen, inputLength } = run(inputs, p);
  const top = typeof body.top_logprobs === 'number' ? body.top_logprobs : 0;
  const wantLogprobs = body.logprobs === true;
  const head = { id: '', created, model, system_fingerprint: SYSTEM_FINGERPRINT };
  const finish = finishMessages(gen.finish);
  if (!streaming) {
    return json(
      200,
      {
        object: 'chat.completion',
        ...head,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: gen.text },
            logprobs: wantLogprobs ? chatLogprobs(gen.tokens, top) : null,
            finish_reason: finish,
          },
        ],
        usage: usageOf(inputLength, gen.tokens.length),
      },
      {},
      gen.tokens.length,
    );
  }
  const frames: Frame[] = gen.tokens.map((t, i) => ({
    data: tgiEvent({
      object: 'chat.completion.chunk',
      ...head,
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: t.special ? '' : t.text },
          logprobs: wantLogprobs ? chatLogprobs([t], top) : null,
          finish_reason: i === gen.tokens.length - 1 ? finish : null,
        },
      ],
      usage: null,
    }),
    token: true,
  }));
  const so = body.stream_options;
  if (isObject(so) && so.include_usage === true) {
    frames.push({
      data: tgiEvent({
        object: 'chat.completion.chunk',
        ...head,
        choices: [],
        usage: usageOf(inputLength, gen.tokens.length),
      }),
      token: false,
    });
  }
  frames.push({ data: TGI_DONE, token: false });
  return stream('tgi-openai', SSE_HEADERS, frames);
}

export function tgiCompletions(ctx: RouteContext): Plan {
  const guard = guardAxumJson(ctx) ?? shapeError(ctx.body, 'prompt', COMPLETION_FIELDS);
  if (guard) return guard;
  const body = ctx.body as Record<string, unknown>;
  const prompts = typeof body.prompt === 'string' ? [body.prompt] : (body.prompt as string[]);
  if (body.suffix != null) {
    return tgiError(
      422,
      'Suffix is not supported and can be achieved by preprocessing the prompt.',
      'suffix not supported',
    );
  }
  if (prompts.length > TGI_LIMITS.maxClientBatchSize) {
    return tgiError(
      422,
      `Number of prompts exceeds the maximum allowed batch size of ${TGI_LIMITS.maxClientBatchSize}`,
      'batch size exceeded',
    );
  }
  const streaming = body.stream === true;
  const p = toParams(body);
  for (const prompt of prompts) {
    const invalid = validateGenerate(prompt, countWords(prompt), p, { stream: streaming });
    if (!invalid) continue;
    if (!streaming) return tgiError(422, invalid, 'validation');
    return stream(
      'tgi-openai',
      SSE_HEADERS,
      [
        { data: tgiEvent({ error: { message: invalid, http_status_code: 422 } }), token: false },
        { data: TGI_DONE, token: false },
      ],
      true,
    );
  }
  const runs = prompts.map((prompt) => run(prompt, p));
  const model = typeof body.model === 'string' ? body.model : 'tgi';
  const created = nowSeconds();
  if (!streaming) {
    const generated = runs.reduce((a, r) => a + r.gen.tokens.length, 0);
    return json(
      200,
      {
        object: 'text_completion',
        id: '',
        created,
        model,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: runs.map((r, index) => ({
          index,
          text: r.gen.text,
          logprobs: null,
          finish_reason: finishMessages(r.gen.finish),
        })),
        usage: usageOf(
          runs.reduce((a, r) => a + r.inputLength, 0),
          generated,
        ),
      },
      {},
      generated,
    );
  }
  const frames: Frame[] = runs.flatMap((r, index) =>
    r.gen.tokens.map((t, i) => ({
      data: tgiEvent({
        object: 'text_completion',
        id: '',
        created,
        choices: [
          {
            index,
            text: t.special ? '' : t.text,
            logprobs: null,
            finish_reason: i === r.gen.tokens.length - 1 ? finishMessages(r.gen.finish) : '',
          },
        ],
        model,
        system_fingerprint: SYSTEM_FINGERPRINT,
      }),
      token: true,
    })),
  );
  frames.push({ data: TGI_DONE, token: false });
  return stream('tgi-openai', SSE_HEADERS, frames);
}

/**
 * TGI's tool call (docs/protocols/tgi.md): non-stream, `id` "0", `arguments` a JSON string and
 * `description: null`; streamed, every delta carries the role and a tool_calls entry with
 * `id` "" (the name on the first, then argument pieces), and usage:null on every chunk.
 * A `max_tokens` below the call's tokens (the name, then one per piece) stops it there,
 * streaming or not: the arguments cut short and finish_reason `length`.
 */
function tgiToolCall(
  body: Record<string, unknown>,
  head: Record<string, unknown>,
  call: PlannedCall,
  inputLength: number,
  maxTokens: number | null,
): Plan {
  const gen = generatedCall(call, maxTokens);
  const generated = gen.tokens;
  const finish = gen.cut ? 'length' : 'stop';
  if (body.stream !== true) {
    return json(
      200,
      {
        object: 'chat.completion',
        ...head,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              tool_calls: [
                {
                  id: '0',
                  type: 'function',
                  function: { description: null, name: call.name, arguments: gen.arguments },
                },
              ],
            },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage: usageOf(inputLength, generated),
      },
      {},
      generated,
    );
  }
  const chunk = (fn: Record<string, unknown>, finish: string | null) =>
    tgiEvent({
      object: 'chat.completion.chunk',
      ...head,
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', tool_calls: [{ index: 0, id: '', type: 'function', function: fn }] },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage: null,
    });
  const deltas = [{ name: call.name, arguments: '' }, ...gen.pieces.map((piece) => ({ name: null, arguments: piece }))];
  const frames: Frame[] = deltas.map((fn, i) => ({
    data: chunk(fn, i === deltas.length - 1 ? finish : null),
    token: true,
  }));
  const so = body.stream_options;
  if (isObject(so) && so.include_usage === true) {
    frames.push({
      data: tgiEvent({ object: 'chat.completion.chunk', ...head, choices: [], usage: usageOf(inputLength, generated) }),
      token: false,
    });
  }
  frames.push({ data: TGI_DONE, token: false });
  return stream('tgi-openai', SSE_HEADERS, frames);
}
