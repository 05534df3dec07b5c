import type { ApiError } from './api-error';

/** Which wire protocol a route speaks, and so which error body it answers with. */
export type ErrorProtocol = 'openai' | 'tgi';

/** OpenAI shape: the openai SDKs read `error.message`, `type`, `param` and `code`. */
export function renderOpenAIError(err: ApiError): Response {
  const body = { error: { message: err.message, type: err.type, param: err.param, code: err.code } };
  return Response.json(body, { status: err.status, headers: err.headers });
}

/**
 * TGI shape: `{ error, error_type }`. A request TGI could parse but not accept is
 * its 422 `validation` (including an origin refusing it: vLLM's 400 becomes 422);
 * only a body that is not JSON stays 400.
 */
export function renderTgiError(err: ApiError): Response {
  // A guardrail's refusal stays 400, and names itself as the error type.
  if (err.code === 'content_policy_violation') return Response.json({ error: err.message, error_type: err.code }, { status: 400, headers: err.headers });
  const status = err.status === 400 && err.code !== 'invalid_json' ? 422 : err.status;
  return Response.json({ error: err.message, error_type: tgiErrorType(err, status) }, { status, headers: err.headers });
}

function tgiErrorType(err: ApiError, status: number): string {
  if (status === 422 || status === 400) return 'validation';
  if (status === 429) return 'overloaded';
  if (status === 424 || status >= 500) return 'generation';
  return err.type;
}

export function renderError(protocol: ErrorProtocol, err: ApiError): Response {
  return protocol === 'tgi' ? renderTgiError(err) : renderOpenAIError(err);
}

/** Generate routes speak TGI; everything else (inference /v1, admin) speaks the OpenAI error shape. */
export function protocolForPath(path: string): ErrorProtocol {
  return /(^|\/)generate(_stream)?$/.test(path) || /^\/endpoints\/[^/]+\/?$/.test(path) ? 'tgi' : 'openai';
}
