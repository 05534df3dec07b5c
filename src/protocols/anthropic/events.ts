/** One Anthropic stream event: `event: <type>` and `data: {type, …}`. */
export function anthropicEvent(type: string, fields: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;
}

/**
 * A failure after the stream started, as Anthropic sends it: an `error` event with
 * `{type:"error", error:{type, message}}`, which its SDK raises as an APIError.
 */
export function anthropicErrorEvent(message: string, code: string): string {
  const type =
    code === 'origin_timeout' ? 'timeout_error' : code === 'origin_overloaded' ? 'overloaded_error' : 'api_error';
  return anthropicEvent('error', { error: { type, message } });
}
