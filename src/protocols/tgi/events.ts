/** A TGI stream error event: `data:{"error":…,"error_type":…}` (TGI's framing has no space). */
export function tgiErrorEvent(message: string, errorType: string): string {
  return `data:${JSON.stringify({ error: message, error_type: errorType })}\n\n`;
}
