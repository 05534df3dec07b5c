import type { Context } from 'hono';
import type { RouterEnv } from './router-env';
import { routerConfig } from '../config';
import { errors } from './errors';

/** How deeply arrays and objects may nest in a request body (the body itself is the first level). */
export const MAX_JSON_DEPTH = 64;

/**
 * Reads the request body as JSON, refusing it (413) as soon as it passes the size
 * limit, whether the client declared a Content-Length or streamed it chunked, and
 * refusing (400) a body nested deeper than MAX_JSON_DEPTH: every request body is
 * bounded here, so no step after it (a recursive walk, JSON.stringify's slow path,
 * an origin's parser) meets a million levels in an unknown field.
 */
export async function readJsonBody<E extends RouterEnv>(c: Context<E>): Promise<unknown> {
  const limit = routerConfig(c.env).maxBodyBytes;
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw errors.tooLarge(limit);
  // A declared length within the limit is what the runtime reads (HTTP framing holds the body to it): one native read.
  const text = Number.isFinite(declared) ? await c.req.raw.text() : await readLimitedText(c.req.raw.body, limit);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (text.trim() === '') throw errors.invalidJson('Request body is empty; expected a JSON object');
    throw errors.invalidJson('Request body is not valid JSON');
  }
  if (nestedDeeper(body, MAX_JSON_DEPTH)) {
    throw errors.invalidJson(
      `Request body is nested too deeply: at most ${MAX_JSON_DEPTH} levels of arrays and objects are allowed`,
    );
  }
  return body;
}

/**
 * True when arrays and objects nest more than `levels` deep in the parsed value. It
 * visits arrays and objects only, and none below the limit: strings, where a body's
 * bytes are, cost nothing, so it takes far less than the parse (a scan of the text
 * would take several times as long); bodies of many small values (token ids) cost
 * one typeof each.
 */
function nestedDeeper(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object' && nestedDeeper(item, levels - 1)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (item !== null && typeof item === 'object' && nestedDeeper(item, levels - 1)) return true;
  }
  return false;
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
