// vLLM POST /v1/completions (docs/protocols/openai.md).

import { json, nowSeconds, stream, type Frame, type Plan, type RouteContext } from './plan.ts';
import { VLLM_DONE, VLLM_SSE_HEADERS, vllmEvent } from './sse.ts';
import { countWords, generate, topCandidates, type Generation, type Tok } from './tokens.ts';
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

const DEFAULT_MAX_TOKENS = 16;

type Prompt = { text: string; tokens: number };

/** str | str[] | int[] | int[][] → prompts; null when the shape is not one of those. */
function parsePrompts(prompt: unknown): Prompt[] | null {
  const ofIds = (ids: unknown[]): Prompt | null =>
    ids.every((x) => Number.isInteger(x)) ? { text: ids.join(' '), tokens: Math.max(1, ids.length) } : null;
  if (typeof prompt === 'string') return [{ text: prompt, tokens: countWords(prompt) }];
  if (!Array.isArray(prompt) || prompt.length === 0) return null;
  if (prompt.every((p) => typeof p === 'string'))
    return prompt.map((p: string) => ({ text: p, tokens: countWords(p) }));
  if (prompt.every((p) => typeof p === 'number')) {
    const one = ofIds(prompt);
    return one ? [one] : null;
  }
  const many = prompt.map((p) => (Array.isArray(p) ? ofIds(p) : null));
  return many.every((p) => p !== null) ? (many as Prompt[]) : null;
}

function completionLogprobs(toks: Tok[], pieces: string[], n: number, asIds: boolean, offset: number) {
  const out = {
    text_offset: [] as number[],
    token_logprobs: [] as number[],
    tokens: [] as string[],
    top_logprobs: [] as Record<string, number>[],
  };
  toks.forEach((tok, i) => {
    if (tok.special) return;
    out.text_offset.push(offset);
    offset += (pieces[i] ?? '').length;
    out.token_logprobs.push(tok.logprob);
    out.tokens.push(renderToken(tok, asIds));
    out.top_logprobs.push(
      Object.fromEntries(topCandidates(tok, Math.max(1, n)).map((t) => [renderToken(t, asIds), t.logprob])),
    );
  });
  return out;
}

export function completions(ctx: RouteContext): Plan {
  const guard = guardJson(ctx);
  if (guard) return guard;
  const shape = checkShape(ctx.body, 'completion');
  if (shape) return badRequest(shape.message, shape.param);
  const body = ctx.body as Record<string, unknown>;
  const combo = checkCombinations(body, 'completion');
  if (combo) return badRequest(combo.message, combo.param);
  const prompts = parsePrompts(body.prompt);
  if (!prompts)
    return badRequest(
      'prompt must be a string, a list of strings, a list of token ids or a list of lists of token ids',
      'prompt',
    );
  const model = resolveModel(body.model, servedModels(ctx));
  if (typeof model !== 'string') return model;
  if (body.suffix != null) return badRequest('suffix is not currently supported', 'suffix');

  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : DEFAULT_MAX_TOKENS;
  const longest = Math.max(...prompts.map((p) => p.tokens));
  const overflow = checkContext(longest, maxTokens, 'completion');
  if (overflow) return badRequest(overflow.message, overflow.param);
  const sampling = checkSampling(body, 'completion');
  if (sampling) return badRequest(sampling.message, sampling.param);

  const gens: Generation[] = prompts.map((p) =>
    generate(p.text, {
      maxTokens: Math.min(maxTokens, MAX_MODEL_LEN - p.tokens),
      stop: stopList(body.stop),
      style: 'vllm',
      includeStop: body.include_stop_str_in_output === true,
      ignoreEos: body.ignore_eos === true,
    }),
  );
  const echo = body.echo === true;
  const n = typeof body.logprobs === 'number' ? body.logprobs : null;
  const asIds = body.return_tokens_as_token_ids === true;
  const id = `cmpl-${requestIdSuffix(ctx)}`;
  const created = nowSeconds();
  const promptTokens = prompts.reduce((a, p) => a + p.tokens, 0);
  const completionTokens = gens.reduce((a, g) => a + g.tokens.length, 0);

  if (body.stream !== true) {
    const choices = gens.map((g, i) => {
      const prefix = echo ? (prompts[i]?.text ?? '') : '';
      return {
        index: i,
        text: prefix + g.text,
        logprobs: n === null ? null : completionLogprobs(g.tokens, g.pieces, n, asIds, prefix.length),
        ...finishFields(g.finish, g.stopMatched),
        prompt_logprobs: null,
      };
    });
    return json(
      200,
      {
        id,
        object: 'text_completion',
        created,
        model,
        choices,
        usage: { ...usage(promptTokens, completionTokens), prompt_tokens_details: null },
      },
      {},
      completionTokens,
    );
  }

  const su = streamUsage(body);
  const frames: Frame[] = [];
  let emitted = 0;
  gens.forEach((g, pi) => {
    const prefix = echo ? (prompts[pi]?.text ?? '') : '';
    let offset = prefix.length;
    g.tokens.forEach((tok, i) => {
      emitted++;
      const last = i === g.tokens.length - 1;
      const piece = (i === 0 ? prefix : '') + (g.pieces[i] ?? '');
      const fin = last ? finishFields(g.finish, g.stopMatched) : { finish_reason: null, stop_reason: null };
      const logprobs = n === null ? null : completionLogprobs([tok], [g.pieces[i] ?? ''], n, asIds, offset);
      offset += (g.pieces[i] ?? '').length;
      const data = vllmEvent({
        id,
        object: 'text_completion',
        created,
        model,
        choices: [{ index: pi, text: piece, logprobs, ...fin }],
        usage: su.continuous ? usage(prompts[pi]?.tokens ?? 0, i + 1) : null,
      });
      frames.push({ data: !last && piece === '' ? '' : data, token: true });
    });
  });
  if (su.include) {
    frames.push({
      data: vllmEvent({
        id,
        object: 'text_completion',
        created,
        model,
        choices: [],
        usage: usage(promptTokens, emitted),
      }),
      token: false,
    });
  }
  frames.push({ data: VLLM_DONE, token: false });
  return stream('vllm', { ...VLLM_SSE_HEADERS }, frames);
}
