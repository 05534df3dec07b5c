import type { UsageReport } from './types';

/** What a request reserves against token budgets before it runs. */
export interface TokenEstimate {
  prompt: number;
  completion: number;
}

/** Bytes of UTF-8 per prompt token the estimate assumes (see below). */
const BYTES_PER_TOKEN = 3;

const encoder = new TextEncoder();

/** What admission reserves, and the body to send the origin (see `reserveTokens`). */
export interface TokenReservation {
  estimate: TokenEstimate;
  body: unknown;
}

/**
 * A conservative estimate, from the body the origin will get (defaults filled in),
 * and that body with the completion limit the reservation counts on:
 *
 * - completion: the limit the origin's route obeys (`limitFields`), times the answers it
 *   generates (`answers`: `n`, and each prompt of a completions batch). Only the fields
 *   that route reads count, and the largest of them when a body sets several (vLLM reads
 *   `max_completion_tokens` before `max_tokens`, others the other way round), so no
 *   spelling can reserve less than the origin may write. Without one, `defaultMaxTokens`,
 *   which is then written into the body (`boundCompletion`) so that the origin cannot
 *   generate more than was reserved; embeddings generate none.
 * - prompt: the body's UTF-8 size in bytes ÷ 3, rounded up. BPE tokenizers average
 *   about 4 characters of English per token; a CJK character (3 bytes) counts as one
 *   token. Everything in the body counts (field names, roles, quotes, tool schemas),
 *   which more than covers the few tokens a chat template adds per message.
 */
export function reserveTokens(path: string, body: unknown, defaultMaxTokens: number): TokenReservation {
  if (path.endsWith('/embeddings') || path.endsWith('/embed')) {
    return { estimate: { prompt: promptTokens(body), completion: 0 }, body };
  }
  const b = (body ?? {}) as Record<string, unknown>;
  const set = limitFields(path, b).filter((v): v is number => typeof v === 'number' && v >= 0);
  const limit = set.length ? Math.max(...set) : undefined;
  const sent = limit === undefined ? boundCompletion(path, b, defaultMaxTokens) : body;
  return {
    estimate: { prompt: promptTokens(sent), completion: (limit ?? defaultMaxTokens) * answers(path, b) },
    body: sent,
  };
}

function promptTokens(body: unknown): number {
  return Math.ceil(encoder.encode(JSON.stringify(body) ?? '').length / BYTES_PER_TOKEN);
}

/**
 * The completion limits a body sets in the fields its origin route reads: TGI's
 * `parameters.max_new_tokens` (`/generate`, `/generate_stream`), Responses'
 * `max_output_tokens`, Anthropic's `max_tokens` (`/v1/messages`); chat and completions
 * (self-hosted, and OpenAI's own `/chat/completions`) read `max_tokens` or
 * `max_completion_tokens`. A field the route does not read limits nothing: it does not count.
 */
function limitFields(path: string, b: Record<string, unknown>): unknown[] {
  if (path.endsWith('/generate') || path.endsWith('/generate_stream')) {
    return [((b.parameters ?? {}) as Record<string, unknown>).max_new_tokens];
  }
  if (path.endsWith('/responses')) return [b.max_output_tokens];
  if (path.endsWith('/messages')) return [b.max_tokens];
  return [b.max_tokens, b.max_completion_tokens];
}

/**
 * How many answers the request generates, each up to the limit: `n` on chat and
 * completions, times the prompts of a completions batch (an array of strings, or of
 * token-id arrays). Every other route writes one.
 */
function answers(path: string, b: Record<string, unknown>): number {
  if (!path.endsWith('/completions')) return 1;
  const n = typeof b.n === 'number' && b.n >= 1 ? Math.floor(b.n) : 1;
  const prompt = b.prompt;
  const batch =
    path.endsWith('/chat/completions') || !Array.isArray(prompt) || !prompt.length || typeof prompt[0] === 'number'
      ? 1
      : prompt.length;
  return n * batch;
}

/**
 * The body with `limit` as its completion limit, in the field the origin's route reads:
 * TGI's `parameters.max_new_tokens` (`/generate`, `/generate_stream`), Responses'
 * `max_output_tokens`, `max_completion_tokens` on OpenAI's own chat route (the provider
 * transport's `/chat/completions`, without `/v1`: OpenAI's reasoning models refuse
 * `max_tokens`), else `max_tokens` (chat and completions on self-hosted origins, TGI's
 * Messages API; Anthropic's Messages always carry it). A copy: the route's objects stay as they are.
 */
function boundCompletion(path: string, b: Record<string, unknown>, limit: number): unknown {
  if (path.endsWith('/generate') || path.endsWith('/generate_stream')) {
    return { ...b, parameters: { ...(b.parameters as Record<string, unknown> | null), max_new_tokens: limit } };
  }
  if (path.endsWith('/responses')) return { ...b, max_output_tokens: limit };
  if (path === '/chat/completions') return { ...b, max_completion_tokens: limit };
  return { ...b, max_tokens: limit };
}

/**
 * What a finished request costs against token budgets: the prompt and completion
 * tokens the router counted for it (the origin's usage report, or the content
 * chunks it relayed when a stream ended without one), as in the key's usage. A
 * request that generated nothing and reported nothing costs nothing.
 */
export function chargedTokens(usage: Pick<UsageReport, 'promptTokens' | 'completionTokens'>): number {
  return usage.promptTokens + usage.completionTokens;
}
