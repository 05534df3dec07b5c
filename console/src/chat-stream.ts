// One streamed chat completion from the browser: POST /v1/chat/completions with `stream: true`, read as
// server-sent events, each content delta handed to `onDelta`. Aborting `signal` (Stop) cancels the fetch,
// so the router aborts the origin request and frees the key's slot at once.

import { ApiFailure, failureOf } from './api';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface StreamOutcome {
  status: number;
  requestId: string;
  /** ms from sending to the first content token. */
  ttftMs: number | null;
  totalMs: number;
  usage: Usage | null;
  finishReason: string | null;
  stopped: boolean;
  error: ApiFailure | null;
}

interface ChunkEvent {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: Usage | null;
  error?: { message: string; code?: string | null; type?: string };
}

export async function streamChat(
  key: string,
  body: Record<string, unknown>,
  onDelta: (text: string) => void,
  signal: AbortSignal,
): Promise<StreamOutcome> {
  const requestId = `console-${crypto.randomUUID()}`;
  const started = performance.now();
  const outcome: StreamOutcome = {
    status: 0,
    requestId,
    ttftMs: null,
    totalMs: 0,
    usage: null,
    finishReason: null,
    stopped: false,
    error: null,
  };
  const done = () => ((outcome.totalMs = Math.round(performance.now() - started)), outcome);
  let res: Response;
  try {
    res = await fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify(body),
      signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    outcome.stopped = signal.aborted;
    if (!outcome.stopped) outcome.error = new ApiFailure(0, 'Network error');
    return done();
  }
  outcome.status = res.status;
  if (!res.ok || !res.body) {
    outcome.error = await failureOf(res);
    return done();
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (!data || data === '[DONE]') continue;
        const chunk = JSON.parse(data) as ChunkEvent;
        if (chunk.error) {
          outcome.error = new ApiFailure(res.status, chunk.error.message, chunk.error.code ?? null);
          continue;
        }
        if (chunk.usage) outcome.usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (choice?.finish_reason) outcome.finishReason = choice.finish_reason;
        const text = choice?.delta?.content;
        if (text) {
          outcome.ttftMs ??= Math.round(performance.now() - started);
          onDelta(text);
        }
      }
    }
  } catch (err) {
    if (signal.aborted) outcome.stopped = true;
    else
      outcome.error = new ApiFailure(
        res.status,
        `The stream broke off: ${err instanceof Error ? err.message : String(err)}`,
      );
  }
  return done();
}
