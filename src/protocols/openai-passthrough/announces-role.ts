/**
 * A chunk that only announces the assistant's role (vLLM, SGLang, OpenAI and llama.cpp open
 * a stream with one: `"delta":{"role":"assistant","content":""}`): it carries no token. Read
 * only until the first chunk is counted, so once per stream.
 */
export function announcesRole(data: string): boolean {
  try {
    const chunk = JSON.parse(data) as { choices?: Array<{ delta?: Record<string, unknown>; finish_reason?: unknown }> };
    return (
      !!chunk.choices?.length &&
      chunk.choices.every(
        (c) =>
          c.finish_reason == null &&
          typeof c.delta?.role === 'string' &&
          Object.entries(c.delta).every(([k, v]) => k === 'role' || v === '' || v === null),
      )
    );
  } catch {
    return false;
  }
}
