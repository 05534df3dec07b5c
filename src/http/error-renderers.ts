import type { ApiError } from './api-error';

/** Which wire protocol a route speaks, and so which error body it answers with. */
export type ErrorProtocol = 'openai' | 'tgi';

/** OpenAI shape: the openai SDKs read `error.message`, `type`, `param` and `code`. */
export function renderOpenAIError(err: ApiError): Response {
  const body = { error: { message: err.message, type: err.type, param: err.param, code: err.code } };
  return Response.json(body, { status: err.status, headers: err.headers });
}

/** TGI shape: `{ error, error_type }`. */
export function renderTgiError(err: ApiError): Response {
  return Response.json({ error: err.message, error_type: tgiErrorType(err) }, { status: err.status, headers: err.headers });
}

function tgiErrorType(err: ApiError): string {
  if (err.status === 422 || err.status === 400) return 'validation';
  if (err.status === 429) return 'overloaded';
  if (err.status >= 500) return 'generation';
  return err.type;
}

export function renderError(protocol: ErrorProtocol, err: ApiError): Response {
  return protocol === 'tgi' ? renderTgiError(err) : renderOpenAIError(err);
}

/** Generate routes speak TGI; everything else (inference /v1, admin) speaks the OpenAI error shape. */
export function protocolForPath(path: string): ErrorProtocol {
  return /(^|\/)generate(_stream)?$/.test(path) || /^\/endpoints\/[^/]+\/?$/.test(path) ? 'tgi' : 'openai';
}
