import type { Context } from 'hono';
import type { RouterEnv } from './router-env';
import { routerConfig } from '../config';
import { errors } from './errors';

/**
 * Reads the request body as JSON, refusing it (413) as soon as it passes the size
 * limit, whether the client declared a Content-Length or streamed it chunked.
 */
export async function readJsonBody<E extends RouterEnv>(c: Context<E>): Promise<unknown> {
  const limit = routerConfig(c.env).maxBodyBytes;
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw errors.tooLarge(limit);
  // A declared length within the limit is what the runtime reads (HTTP framing holds the body to it): one native read.
  const text = Number.isFinite(declared) ? await c.req.raw.text() : await readLimitedText(c.req.raw.body, limit);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (text.trim() === '') throw errors.invalidJson('Request body is empty; expected a JSON object');
    throw errors.invalidJson('Request body is not valid JSON');
  }
}

async function readLimitedText(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw errors.tooLarge(limit);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
