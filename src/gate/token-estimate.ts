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
 * - completion: the request's limit as the origin sees it (`max_tokens`,
 *   `max_completion_tokens`, `max_output_tokens`, TGI's `parameters.max_new_tokens`),
 *   else `defaultMaxTokens`, which is then written into the body (`boundCompletion`)
 *   so that the origin cannot generate more than was reserved; embeddings generate none.
 * - prompt: the body's UTF-8 size in bytes ÷ 3, rounded up. BPE tokenizers average
 *   about 4 characters of English per token; a CJK character (3 bytes) counts as one
 *   token. Everything in the body counts (field names, roles, quotes, tool schemas),
 *   which more than covers the few tokens a chat template adds per message.
 */
export function reserveTokens(path: string, body: unknown, defaultMaxTokens: number): TokenReservation {
  const generates = !path.endsWith('/embeddings') && !path.endsWith('/embed');
  const limit = generates ? completionLimit(body) : 0;
  const sent = limit === undefined ? boundCompletion(path, body, defaultMaxTokens) : body;
  const prompt = Math.ceil(encoder.encode(JSON.stringify(sent) ?? '').length / BYTES_PER_TOKEN);
  return { estimate: { prompt, completion: limit ?? defaultMaxTokens }, body: sent };
}

/** The completion limit a body sets, in whichever field its protocol names it. */
function completionLimit(body: unknown): number | undefined {
  const b = (body ?? {}) as Record<string, unknown>;
  const params = (b.parameters ?? {}) as Record<string, unknown>;
  return [b.max_tokens, b.max_completion_tokens, b.max_output_tokens, params.max_new_tokens].find(
    (v): v is number => typeof v === 'number' && v >= 0,
  );
}

/**
 * The body with `limit` as its completion limit, in the field the origin's route reads:
 * TGI's `parameters.max_new_tokens` (`/generate`, `/generate_stream`), Responses'
 * `max_output_tokens`, `max_completion_tokens` on OpenAI's own chat route (the provider
 * transport's `/chat/completions`, without `/v1`: OpenAI's reasoning models refuse
 * `max_tokens`), else `max_tokens` (chat and completions on self-hosted origins, TGI's
 * Messages API; Anthropic's Messages always carry it). A copy: the route's objects stay as they are.
 */
function boundCompletion(path: string, body: unknown, limit: number): unknown {
  const b = (body ?? {}) as Record<string, unknown>;
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
