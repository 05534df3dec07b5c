// Error bodies of the hosted providers: OpenAI's `{ error: { message, type, param, code } }`
// and Anthropic's `{ type: "error", error: { type, message }, request_id }`.

import { randomUUID } from 'node:crypto';
import type { FaultName } from './modes.ts';
import { json, type BodyPlan } from './plan.ts';

export function openaiError(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
  headers: Record<string, string> = {},
): BodyPlan {
  return json(status, { error: { message, type, param, code } }, headers);
}

export function anthropicError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): BodyPlan {
  const requestId = `req_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  return json(
    status,
    { type: 'error', error: { type, message }, request_id: requestId },
    { 'request-id': requestId, ...headers },
  );
}

/** Seconds the emulated providers ask a rate-limited client to wait. */
export const PROVIDER_RETRY_AFTER = '7';

/** Fault modes as the providers answer them. */
export function providerFault(name: FaultName, flavor: 'openai' | 'anthropic'): BodyPlan {
  if (flavor === 'anthropic') {
    switch (name) {
      case 'error429':
        return anthropicError(
          429,
          'rate_limit_error',
          'Number of request tokens has exceeded your per-minute rate limit',
          { 'retry-after': PROVIDER_RETRY_AFTER },
        );
      case 'error529':
        return anthropicError(529, 'overloaded_error', 'Overloaded');
      case 'error403':
        return anthropicError(
          403,
          'permission_error',
          'Your API key does not have permission to use the specified resource.',
        );
      default:
        return anthropicError(500, 'api_error', 'Internal server error');
    }
  }
  switch (name) {
    case 'error429':
      return openaiError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded', null, {
        'retry-after': PROVIDER_RETRY_AFTER,
      });
    case 'error529':
      return openaiError(503, 'The engine is currently overloaded, please try again later', 'server_error', null);
    case 'error403':
      return openaiError(
        403,
        'Country, region, or territory not supported',
        'request_forbidden',
        'unsupported_country_region_territory',
      );
    default:
      return openaiError(
        500,
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
        null,
      );
  }
}
