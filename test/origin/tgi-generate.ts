// TGI POST /generate, POST /generate_stream and POST / (docs/protocols/tgi.md).

import { json, stream, type Frame, type Plan, type RouteContext } from './plan.ts';
import { TGI_SSE_HEADERS, tgiEvent } from './sse.ts';
import {
  COMPUTE_TYPE,
  deserializeError,
  finishTgi,
  guardAxumJson,
  isOverloaded,
  OVERLOADED,
  tgiError,
} from './tgi-common.ts';
import { countWords, generate, seedFor, topCandidates, type Generation, type Tok } from './tokens.ts';
import { generateShapeError, isSampling, TGI_LIMITS, validateGenerate } from './validate-tgi.ts';

export type GenerateKind = 'generate' | 'generate_stream' | 'compat';

type Request = { inputs: string; p: Record<string, unknown> | undefined };

function num(p: Record<string, unknown>, k: string): number | undefined {
  return typeof p[k] === 'number' ? (p[k] as number) : undefined;
}

function tokenJson(t: Tok) {
  return { id: t.id, text: t.text, logprob: t.logprob, special: t.special };
}

function run(r: Request, salt = '') {
  const q = r.p ?? {};
  const words = countWords(r.inputs);
  const truncate = num(q, 'truncate');
  const inputLength = truncate !== undefined ? Math.min(truncate, words) : words;
  const maxNew = num(q, 'max_new_tokens') ?? TGI_LIMITS.maxTotalTokens - inputLength;
  const stop = Array.isArray(q.stop) ? (q.stop as string[]) : [];
  const gen = generate(r.inputs, { maxTokens: maxNew, stop, style: 'tgi', salt });
  const sampling = isSampling(r.p);
  const seed = sampling ? (num(q, 'seed') ?? seedFor(r.inputs + salt)) : null;
  const text = (q.return_full_text === true ? r.inputs : '') + gen.text;
  return { gen, seed, text, inputLength, topN: num(q, 'top_n_tokens') ?? 0 };
}

function topTokens(gen: Generation, topN: number): Array<Array<ReturnType<typeof tokenJson>>> {
  return gen.tokens.map((t) => topCandidates(t, topN).map(tokenJson));
}

function timingHeaders(inputs: string, inputLength: number, generated: number): Record<string, string> {
  const inference = Math.max(1, generated * 2);
  const total = inference + 1;
  return {
    'x-compute-type': COMPUTE_TYPE,
    'x-compute-time': String(total / 1000),
    'x-compute-characters': String(inputs.length),
    'x-total-time': String(total),
    'x-validation-time': '1',
    'x-queue-time': '0',
    'x-inference-time': String(inference),
    'x-time-per-token': String(Math.round(inference / Math.max(1, generated))),
    'x-prompt-tokens': String(inputLength),
    'x-generated-tokens': String(generated),
  };
}

function generateResponse(r: Request): {
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  tokens: number;
} {
  const q = r.p ?? {};
  const { gen, seed, text, inputLength, topN } = run(r);
  const payload: Record<string, unknown> = { generated_text: text };
  if (q.details === true || q.decoder_input_details === true) {
    const details: Record<string, unknown> = {
      finish_reason: finishTgi(gen.finish),
      generated_tokens: gen.tokens.length,
      seed,
      prefill: [],
      tokens: gen.tokens.map(tokenJson),
    };
    if (topN > 0) details.top_tokens = topTokens(gen, topN);
    const bestOf = num(q, 'best_of') ?? 1;
    if (bestOf > 1) {
      details.best_of_sequences = Array.from({ length: bestOf - 1 }, (_, k) => {
        const alt = run(r, `#${k + 1}`);
        return {
          generated_text: alt.text,
          finish_reason: finishTgi(alt.gen.finish),
          generated_tokens: alt.gen.tokens.length,
          seed: alt.seed,
          prefill: [],
          tokens: alt.gen.tokens.map(tokenJson),
        };
      });
    }
    payload.details = details;
  }
  return { payload, headers: timingHeaders(r.inputs, inputLength, gen.tokens.length), tokens: gen.tokens.length };
}

function streamFrames(r: Request): Frame[] {
  const q = r.p ?? {};
  const { gen, seed, text, inputLength, topN } = run(r);
  const tops = topN > 0 ? topTokens(gen, topN) : null;
  return gen.tokens.map((t, i) => {
    const last = i === gen.tokens.length - 1;
    const event: Record<string, unknown> = { index: i + 1, token: tokenJson(t) };
    if (tops) event.top_tokens = tops[i];
    event.generated_text = last ? text : null;
    event.details =
      last && q.details === true
        ? { finish_reason: finishTgi(gen.finish), generated_tokens: gen.tokens.length, seed, input_length: inputLength }
        : null;
    return { data: tgiEvent(event), token: true };
  });
}

export function generateRoute(ctx: RouteContext, kind: GenerateKind): Plan {
  const guard = guardAxumJson(ctx);
  if (guard) return guard;
  const shape = generateShapeError(ctx.body);
  if (shape) return deserializeError(shape);
  const body = ctx.body as Record<string, unknown>;
  const r: Request = {
    inputs: body.inputs as string,
    p: (body.parameters ?? undefined) as Record<string, unknown> | undefined,
  };
  const streaming = kind === 'generate_stream' || (kind === 'compat' && body.stream === true);
  const streamHeaders = {
    ...TGI_SSE_HEADERS,
    'x-compute-type': COMPUTE_TYPE,
    'x-compute-characters': String(r.inputs.length),
    'x-accel-buffering': 'no',
  };
  const inStreamError = (payload: Record<string, unknown>): Plan =>
    stream('tgi-generate', streamHeaders, [{ data: tgiEvent(payload), token: false }], true);

  if (isOverloaded(ctx)) return streaming ? inStreamError(OVERLOADED) : json(429, OVERLOADED);
  const invalid = validateGenerate(r.inputs, countWords(r.inputs), r.p, { stream: streaming });
  if (invalid)
    return streaming
      ? inStreamError({ error: invalid, error_type: 'validation' })
      : tgiError(422, invalid, 'validation');

  if (streaming) return stream('tgi-generate', streamHeaders, streamFrames(r));
  const { payload, headers, tokens } = generateResponse(r);
  return json(200, kind === 'compat' ? [payload] : payload, headers, tokens);
}
