/**
 * TGI's finish reasons in OpenAI terms. The generate API says `length`, `eos_token`
 * or `stop_sequence`; the Messages API maps only `eos_token` to `stop` and passes
 * the other two through, and its completions stream says `""` until the end.
 * `tool_calls` (and any other OpenAI value) is kept; nothing at all is `null`.
 */
export function mapTgiFinishReason(reason: unknown): string | null {
  if (reason === 'eos_token' || reason === 'stop_sequence') return 'stop';
  if (typeof reason === 'string' && reason !== '') return reason;
  return null;
}
