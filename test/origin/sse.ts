// SSE framing in the three flavours the origins speak (docs/protocols/sse.md).

/** vLLM /v1/*: `data: {json}\n\n` (with a space), ends with `data: [DONE]\n\n`. */
export function vllmEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}
export const VLLM_DONE = 'data: [DONE]\n\n';

/** TGI (axum Sse): `data:{json}\n\n`, no space. /generate_stream has no terminator; TGI /v1/* ends with `data:[DONE]`. */
export function tgiEvent(payload: unknown): string {
  return `data:${JSON.stringify(payload)}\n\n`;
}
export const TGI_DONE = 'data:[DONE]\n\n';

/** axum's default keep-alive comment (sent every 15 s by TGI). */
export const TGI_KEEPALIVE = ':\n\n';
export const TGI_KEEPALIVE_MS = 15_000;

/** Which stream dialect a response speaks; decides the in-stream error frames. */
export type SseStyle = 'vllm' | 'vllm-responses' | 'tgi-generate' | 'tgi-openai' | 'openai' | 'anthropic';

export const VLLM_SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

export const TGI_SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
};

/** In-stream error frames (status already 200), followed by the dialect's terminator if any. */
export function errorFrames(style: SseStyle, message: string): string[] {
  switch (style) {
    case 'vllm':
      return [vllmEvent({ error: { message, type: 'InternalServerError', param: null, code: 500 } }), VLLM_DONE];
    case 'vllm-responses':
      return [
        `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'server_error', message, param: null, sequence_number: 0 })}\n\n`,
      ];
    case 'tgi-generate':
      return [tgiEvent({ error: `Request failed during generation: ${message}`, error_type: 'generation' })];
    case 'openai':
      // OpenAI's stream reports a failure as an error object, then ends.
      return [vllmEvent({ error: { message, type: 'server_error', param: null, code: null } })];
    case 'anthropic':
      return [
        anthropicEvent({ type: 'error', error: { type: 'overloaded_error', message: `Overloaded (${message})` } }),
      ];
    case 'tgi-openai':
      return [
        tgiEvent({ error: { message: `Request failed during generation: ${message}`, http_status_code: 422 } }),
        TGI_DONE,
      ];
  }
}

/** Anthropic's Messages stream: `event: <type>` then `data: {json}` whose `type` is the same. */
export function anthropicEvent(payload: { type: string } & Record<string, unknown>): string {
  return `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const PROVIDER_SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

/**
 * Python's `json.dumps(value)` with its defaults: `", "` between items, `": "` after keys, and every character
 * outside ASCII as a `\uXXXX` escape (`ensure_ascii`). llama-cpp-python's server writes its stream chunks so.
 */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${asciiJson(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  return typeof value === 'string' ? asciiJson(value) : JSON.stringify(value);
}

function asciiJson(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An SSE event's JSON `data:` lines rewritten as `pythonJson` writes them (the json-dumps mode); other lines as they are. */
export function pythonJsonEvents(event: string): string {
  return event.replace(/^(data: ?)(\{.*)$/gm, (line, prefix: string, json: string) => {
    try {
      return prefix + pythonJson(JSON.parse(json));
    } catch {
      return line;
    }
  });
}
