import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { ApiError, errors } from './api-error';

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export function maxBodyBytes(c: Context<AppEnv>): number {
  const configured = Number(c.env.MAX_BODY_BYTES);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_MAX_BODY_BYTES;
}

/**
 * Reads the request body as JSON, refusing it (413) as soon as it passes the size
 * limit, whether the client declared a Content-Length or streamed it chunked.
 */
export async function readJsonBody(c: Context<AppEnv>): Promise<unknown> {
  const limit = maxBodyBytes(c);
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw errors.tooLarge(limit);
  const text = await readLimitedText(c.req.raw.body, limit);
  if (text.trim() === '') throw new ApiError(400, 'Request body is empty; expected a JSON object', { code: 'invalid_json' });
  try {
    const body: unknown = JSON.parse(text);
    const model = (body as { model?: unknown } | null)?.model;
    if (typeof model === 'string') c.set('bodyModel', model);
    return body;
  } catch {
    throw new ApiError(400, 'Request body is not valid JSON', { code: 'invalid_json' });
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
