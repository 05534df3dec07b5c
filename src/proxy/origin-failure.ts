import { ApiError, errors } from '../http/errors';
import { originErrorMessage } from '../protocols/openai/error-body';
import type { OriginFailureMapper } from '../protocols/exchange';
import type { ClientProtocol } from '../protocols/protocol-names';

const MAX_ERROR_BODY = 64 * 1024;
/** Origin statuses that are about the request itself (bad parameters, too long, wrong media type). */
const CLIENT_MISTAKES = new Set([400, 409, 413, 415, 422]);

/** What the client may be told about where the request went: the endpoint, never the origin's model id or URL. */
export interface FailureContext {
  endpoint: string;
  /** The model id sent to the origin (the served entity's, or a TGI adapter). */
  model: string;
  originUrl: string;
  /** The protocol the client called (the exchange's `client`). */
  client?: ClientProtocol;
}

/**
 * Maps an origin's 4xx answer (5xx and 429 are retried on another origin first, see
 * send-with-failover) to the router's, in terms of the endpoint the client called:
 * - 404 / 405: the origin has no such model or route for this kind of request, which is
 *   the client's choice of endpoint: 400 `unsupported_operation` (the openai SDKs do not retry it);
 * - 401 / 403 / 407: the origin refused the router itself, an operator's problem: 502;
 * - 400, 409, 413, 415, 422 (bad parameters, context overflow) keep their status;
 * - anything else (TGI's 424 generation error, 408, …) is the origin's failure: 502.
 * The origin's message goes along with its model id and URL replaced by the endpoint's name.
 */
export async function originFailure(
  response: Response,
  ctx: FailureContext,
  mapper?: OriginFailureMapper,
): Promise<ApiError> {
  const text = (await response.text().catch(() => '')).slice(0, MAX_ERROR_BODY);
  // A provider's errors have their own mapping (protocols/external/provider-errors.ts).
  if (mapper) return mapper(response.status, text, response.headers);
  const message = scrub(originErrorMessage(text), ctx);
  const status = response.status;
  if (status === 404 || status === 405) {
    return errors.operationNotServed(ctx.endpoint, ctx.client ? OPERATIONS[ctx.client] : 'such');
  }
  if (status === 401 || status === 403 || status === 407) {
    return errors.originRefusedRouter(ctx.endpoint, status);
  }
  if (CLIENT_MISTAKES.has(status)) return errors.originRejected(status, message);
  return errors.originAnswered(ctx.endpoint, status, message);
}

/** The client's protocol as the operation it asked for: "does not serve chat completions requests". */
const OPERATIONS: Record<ClientProtocol, string> = {
  chat: 'chat completions',
  completions: 'completions',
  embeddings: 'embeddings',
  responses: 'Responses API',
  messages: 'Messages API',
  generate: 'generate',
  embed: 'embed',
};

/** The origin's text with its model id and its URL (or host) replaced by the endpoint's name. */
function scrub(message: string, ctx: FailureContext): string {
  let out = message;
  let host = '';
  try {
    host = new URL(ctx.originUrl).host;
  } catch {
    // not a URL: nothing more to hide
  }
  for (const secret of [ctx.originUrl.replace(/\/+$/, ''), host, ctx.model]) {
    if (secret && secret !== ctx.endpoint) out = out.split(secret).join(ctx.endpoint);
  }
  return out;
}
