/** The OpenAI error object `{ message, type, param, code }`. */
export interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/**
 * Reads an error out of whatever an origin sent: vLLM's `{error:{message,…}}`, its
 * older flat `{object:"error",message}`, TGI's `{error:"…",error_type}` and
 * `{error:{message,http_status_code}}`, vLLM's `{error:"Unauthorized"}`, or text.
 */
export function originErrorMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.trim().slice(0, 500) || 'no error body';
  }
  if (parsed && typeof parsed === 'object') {
    const obj = parsed as Record<string, unknown>;
    const error = obj.error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    if (typeof obj.message === 'string') return obj.message;
  }
  return body.trim().slice(0, 500);
}

export function errorEvent(message: string, code: string, type = 'server_error'): string {
  const error: OpenAIErrorObject = { message, type, param: null, code };
  return `data: ${JSON.stringify({ error })}\n\n`;
}
