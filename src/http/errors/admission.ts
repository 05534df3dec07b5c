import { ApiError, CONCURRENCY_MESSAGE } from '../api-error';

/** What a token-budget refusal reports: the limit's name, the request's reservation and what the window has left. */
export interface TokenRefusal {
  limit: string;
  reserved: number;
  budget: number;
  remaining: number;
  retryAfterSeconds: number;
}

/** Admission refusals: concurrency, rate limits and token budgets (429), and the gate being out of reach (503). */
export const admissionErrors = {
  concurrency: (retryAfterSeconds: number) =>
    new ApiError(429, CONCURRENCY_MESSAGE, {
      code: 'concurrency_limit_exceeded',
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  /** `limit` names the limit, e.g. "100 calls per minute for this API key on endpoint 'chat'". */
  rateLimited: (limit: string, retryAfterSeconds: number) =>
    new ApiError(429, `Rate limit exceeded: ${limit}. Retry after ${retryAfterSeconds} s`, {
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  /** A reservation the window cannot hold; one larger than the whole budget never fits, so it says so. `headers` are the budget's. */
  tokenBudget: (r: TokenRefusal, headers: Record<string, string>) => {
    const detail =
      r.reserved > r.budget
        ? `This request reserves ${r.reserved} tokens (estimated prompt + max_tokens for each answer), more than the whole budget: lower max_tokens or n, or shorten the prompt`
        : `This request reserves ${r.reserved} tokens (estimated prompt + max_tokens for each answer) and ${r.remaining} remain in this window. Retry after ${r.retryAfterSeconds} s`;
    return new ApiError(429, `Token budget exceeded: ${r.limit}. ${detail}`, {
      code: 'token_budget_exceeded',
      headers: { 'retry-after': String(r.retryAfterSeconds), ...headers },
    });
  },
  gateUnavailable: () =>
    new ApiError(503, 'Admission control is temporarily unavailable, please retry', {
      code: 'gate_unavailable',
      headers: { 'retry-after': '1' },
    }),
};
