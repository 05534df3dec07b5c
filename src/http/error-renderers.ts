import type { ApiError } from './errors';

/**
 * Which wire protocol a route speaks, and so which error body it answers with. `admin`
 * is the admin API's: the OpenAI shape, with `error.issues` on a validation refusal.
 */
export type ErrorProtocol = 'openai' | 'tgi' | 'anthropic' | 'tei' | 'admin';

/** OpenAI shape: the openai SDKs read `error.message`, `type`, `param` and `code`. Exactly these four. */
export function renderOpenAIError(err: ApiError): Response {
  const body = { error: { message: err.message, type: err.type, param: err.param, code: err.code } };
  return Response.json(body, { status: err.status, headers: err.headers });
}

/**
 * The admin API's shape: OpenAI's, plus `issues` (every problem a validation found,
 * `{ param, message }`, the first being `param` and `message`) when there are any,
 * so a form can mark every field at once.
 */
export function renderAdminError(err: ApiError): Response {
  const error = { message: err.message, type: err.type, param: err.param, code: err.code };
  const body = { error: err.issues ? { ...error, issues: err.issues } : error };
  return Response.json(body, { status: err.status, headers: err.headers });
}

/**
 * TGI shape: `{ error, error_type }`. A request TGI could parse but not accept is
 * its 422 `validation` (including an origin refusing it: vLLM's 400 becomes 422);
 * only a body that is not JSON stays 400.
 */
export function renderTgiError(err: ApiError): Response {
  // A guardrail's refusal stays 400, and names itself as the error type.
  if (err.code === 'content_policy_violation')
    return Response.json({ error: err.message, error_type: err.code }, { status: 400, headers: err.headers });
  const status = err.status === 400 && err.code !== 'invalid_json' ? 422 : err.status;
  return Response.json({ error: err.message, error_type: tgiErrorType(err, status) }, { status, headers: err.headers });
}

function tgiErrorType(err: ApiError, status: number): string {
  if (status === 422 || status === 400) return 'validation';
  if (status === 429) return 'overloaded';
  if (status === 424 || status >= 500) return 'generation';
  return err.type;
}

/** Codes of refusals that mean "the origins are overloaded or unavailable": Anthropic's 529. */
const OVERLOADED_CODES = new Set(['origin_overloaded', 'no_healthy_origin', 'gate_unavailable', 'provider_overloaded']);

/**
 * Anthropic shape: `{ type: "error", error: { type, message } }`, with Anthropic's
 * status for each type, so its SDK raises the matching class. The origins being
 * overloaded or unavailable is its 529 `overloaded_error`; the key's own limits stay
 * 429 `rate_limit_error`; a request an origin refused (422) is its 400.
 */
export function renderAnthropicError(err: ApiError): Response {
  const overloaded = OVERLOADED_CODES.has(err.code ?? '');
  const status = overloaded ? 529 : err.status === 422 ? 400 : err.status;
  const body = { type: 'error', error: { type: anthropicErrorType(status), message: err.message } };
  return Response.json(body, { status, headers: err.headers });
}

function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/**
 * Text Embeddings Inference's shape, `{ error, error_type }` with TEI's error types
 * (`Validation`, `Overloaded`, `Unhealthy`, `Backend`); statuses as the router decides
 * them. Hugging Face's clients read the `error` string.
 */
export function renderTeiError(err: ApiError): Response {
  return Response.json(
    { error: err.message, error_type: teiErrorType(err) },
    { status: err.status, headers: err.headers },
  );
}

function teiErrorType(err: ApiError): string {
  if (err.status === 400 || err.status === 413 || err.status === 422) return 'Validation';
  if (err.status === 429) return 'Overloaded';
  if (err.status === 503) return 'Unhealthy';
  if (err.status >= 500) return 'Backend';
  return err.type;
}

export function renderError(protocol: ErrorProtocol, err: ApiError): Response {
  if (protocol === 'anthropic') return renderAnthropicError(err);
  if (protocol === 'tei') return renderTeiError(err);
  if (protocol === 'admin') return renderAdminError(err);
  return protocol === 'tgi' ? renderTgiError(err) : renderOpenAIError(err);
}
