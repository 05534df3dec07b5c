// Small fetch helpers for the emulator's own tests.

export const JSON_HEADERS = { 'content-type': 'application/json' };

export function post(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    ...init,
    headers: { ...JSON_HEADERS, ...(init.headers as Record<string, string> | undefined) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Reads a body to the end; a connection cut mid-body gives `error` instead of throwing. */
export async function readAll(res: Response): Promise<{ text: string; error: unknown }> {
  const reader = res.body?.getReader();
  if (!reader) return { text: '', error: null };
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return { text, error: null };
  } catch (error) {
    return { text, error };
  }
}

/** Splits an SSE body into its raw events (without the blank-line separator). */
export function sseEvents(body: string): string[] {
  return body.split('\n\n').filter((e) => e !== '');
}

/** The JSON payloads of `data:` events, with the given prefix ("data: " for vLLM, "data:" for TGI). */
export function ssePayloads(body: string, prefix: 'data: ' | 'data:'): unknown[] {
  return sseEvents(body)
    .filter((e) => e.startsWith(prefix) && !e.endsWith('[DONE]'))
    .map((e) => JSON.parse(e.slice(prefix.length)) as unknown);
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Reads a dotted path ("choices.0.delta.content") out of parsed JSON. */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
