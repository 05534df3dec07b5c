// Token budgets through wrangler dev, with the openai SDK: a request that does not fit is its RateLimitError with
// the budget in the message and OpenAI's x-ratelimit-*-tokens headers; one that fits carries them too.

import { APIError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import { admin, createEndpoint, openai, rejectionOf, userMessage } from './helpers.ts';

describe('token budgets (openai SDK)', () => {
  it('raises RateLimitError with the budget message, Retry-After and the token headers; a request that fits gets the headers', async () => {
    const ep = (await createEndpoint('tb-sdk')).name;
    const key = await admin().createKey({
      description: 'e2e budget',
      token_budget: { tokens: 400, renewal_period: 'day' },
    });
    const client = openai(key.key);

    const { data, response } = await client.chat.completions
      .create({ model: ep, messages: userMessage('Hello'), max_tokens: 100 })
      .withResponse();
    expect(data.model).toBe(ep);
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('400');
    const remaining = Number(response.headers.get('x-ratelimit-remaining-tokens'));
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThan(300); // the reservation: max_tokens 100 + the prompt's estimate
    expect(response.headers.get('x-ratelimit-reset-tokens')).toMatch(/^(\d+h)?(\d+m)?\d+s$/);

    const err = await rejectionOf(
      client.chat.completions.create({ model: ep, messages: userMessage('Hello'), max_tokens: 1000 }),
    );
    expect(err).toBeInstanceOf(RateLimitError);
    const apiError = err as APIError;
    expect(apiError.status).toBe(429);
    expect(apiError.message).toMatch(
      /^429 Token budget exceeded: 400 tokens per day for this API key\. This request reserves \d+ tokens/,
    );
    expect(apiError.code).toBe('token_budget_exceeded');
    expect(Number(apiError.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(apiError.headers?.get('x-ratelimit-remaining-tokens')).toMatch(/^\d+$/);
    expect(apiError.headers?.get('x-ratelimit-reset-tokens')).toMatch(/^(\d+h)?(\d+m)?\d+s$/);

    // What the first request really used was charged; the key's usage shows the window.
    const usage = await admin().keyUsageResponse(key.id);
    expect(usage.token_budget).toEqual({ tokens: 400, renewal_period: 'day' });
    expect(usage.token_window).toMatchObject({ used: data.usage!.total_tokens, reserved: 0 });
  });
});
