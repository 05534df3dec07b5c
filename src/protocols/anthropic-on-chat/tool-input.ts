/** Tool-call arguments (JSON text) as the `input` object Anthropic's tool_use blocks carry. */
export function toolInput(args: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { value: parsed };
  } catch {
    return {};
  }
}
