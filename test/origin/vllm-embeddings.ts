// vLLM POST /v1/embeddings: deterministic unit vectors of dimension 8.

import { randomUUID } from 'node:crypto';
import { json, nowSeconds, type Plan, type RouteContext } from './plan.ts';
import { countWords, hash32 } from './tokens.ts';
import { checkShape } from './validate-openai.ts';
import { badRequest, guardJson, resolveModel } from './vllm-common.ts';

export const EMBEDDING_DIM = 8;

/** A float32-exact unit vector derived from the text. */
export function embed(text: string): number[] {
  const raw = Array.from({ length: EMBEDDING_DIM }, (_, j) => (hash32(text, j + 1) / 0xffffffff) * 2 - 1);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((x) => Math.fround(x / norm));
}

/** Little-endian float32, base64 (what `encoding_format: "base64"` returns). */
export function toBase64(vec: number[]): string {
  const buf = Buffer.alloc(vec.length * 4);
  vec.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

/** str | str[] | int[] | int[][] → [text, tokens][] or null. */
function inputs(input: unknown): Array<[string, number]> | null {
  if (typeof input === 'string') return [[input, countWords(input)]];
  if (!Array.isArray(input)) return null;
  if (input.every((x) => typeof x === 'string')) return input.map((s: string) => [s, countWords(s)]);
  if (input.every((x) => Number.isInteger(x))) return [[input.join(' '), input.length]];
  if (input.every((x) => Array.isArray(x) && x.every((y) => Number.isInteger(y)))) {
    return input.map((ids: number[]) => [ids.join(' '), ids.length]);
  }
  return null;
}

export function embeddings(ctx: RouteContext): Plan {
  const guard = guardJson(ctx);
  if (guard) return guard;
  const shape = checkShape(ctx.body, 'embedding');
  if (shape) return badRequest(shape.message, shape.param);
  const body = ctx.body as Record<string, unknown>;
  const model = resolveModel(body.model, ctx.embeddingModels);
  if (typeof model !== 'string') return model;
  const items = inputs(body.input);
  if (!items)
    return badRequest("[{'type': 'string_type', 'loc': ('body', 'input'), 'msg': 'Input should be a valid string'}]");
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return badRequest(
      `[{'type': 'literal_error', 'loc': ('body', 'encoding_format'), 'msg': "Input should be 'float' or 'base64'"}]`,
    );
  }
  if (body.dimensions != null && body.dimensions !== EMBEDDING_DIM) {
    return badRequest(
      `Model "${model}" does not support matryoshka representation, changing output dimensions will lead to poor results.`,
    );
  }
  const promptTokens = items.reduce((a, [, n]) => a + n, 0);
  return json(200, {
    id: `embd-${ctx.headers['x-request-id'] || randomUUID().replace(/-/g, '')}`,
    object: 'list',
    created: nowSeconds(),
    model,
    data: items.map(([text], index) => {
      const vec = embed(text);
      return { index, object: 'embedding', embedding: format === 'base64' ? toBase64(vec) : vec };
    }),
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      completion_tokens: 0,
      prompt_tokens_details: null,
    },
  });
}
