import type { Context } from 'hono';
import type { ApiIssue } from './api-error';
import type { RouterEnv } from './router-env';
import { routerConfig } from '../config';
import { errors } from './errors';
import { bodyProblem } from './errors/requests';
import { MAX_ISSUES } from './validate';

/** How deeply arrays and objects may nest in a request body (the body itself is the first level). */
export const MAX_JSON_DEPTH = 64;

export interface JsonBodyOptions {
  /**
   * Take Unicode text only: a body that is not UTF-8 is refused (400 `invalid_json`) instead of read with U+FFFD
   * in place of its bad bytes, and a string holding an unpaired surrogate escape (`"\ud800"`) is refused (400
   * `invalid_body`, naming each field) instead of stored, to be read back as U+FFFD. The admin API stores what it
   * is sent, so it asks for this; the inference routes pass text on to origins as it came.
   */
  unicode?: boolean;
}

/**
 * Reads the request body as JSON, refusing it (413) as soon as it passes the size
 * limit, whether the client declared a Content-Length or streamed it chunked, and
 * refusing (400) a body nested deeper than MAX_JSON_DEPTH: every request body is
 * bounded here, so no step after it (a recursive walk, JSON.stringify's slow path,
 * an origin's parser) meets a million levels in an unknown field.
 */
export async function readJsonBody<E extends RouterEnv>(c: Context<E>, opts: JsonBodyOptions = {}): Promise<unknown> {
  const limit = routerConfig(c.env).maxBodyBytes;
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw errors.tooLarge(limit);
  const text = await readText(c.req.raw, Number.isFinite(declared), limit, opts.unicode === true);
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
  if (opts.unicode) {
    const issues: ApiIssue[] = [];
    findUnpairedSurrogates(body, [], issues);
    if (issues.length > 0) throw errors.invalidBodyIssues(issues as [ApiIssue, ...ApiIssue[]]);
  }
  return body;
}

async function readText(request: Request, declared: boolean, limit: number, unicode: boolean): Promise<string> {
  // A declared length within the limit is what the runtime reads (HTTP framing holds the body to it): one native read.
  if (!unicode) return declared ? request.text() : readLimitedText(request.body, limit, new TextDecoder());
  // A decoder of its own: a streamed decode keeps state between chunks.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  return declared ? decode(decoder, await request.arrayBuffer(), false) : readLimitedText(request.body, limit, decoder);
}

/** Decodes with `decoder`; a fatal decoder's refusal of bytes that are not UTF-8 is a 400. */
function decode(decoder: TextDecoder, bytes: ArrayBuffer | Uint8Array | undefined, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch {
    throw errors.invalidJson('Request body is not valid UTF-8: send the JSON encoded as UTF-8');
  }
}

/** A lone high surrogate (no low one after it) or a lone low one (no high one before it). */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Adds an issue for each string (value or key) in `value` holding an unpaired surrogate, up to MAX_ISSUES. */
function findUnpairedSurrogates(value: unknown, path: string[], issues: ApiIssue[]): void {
  if (issues.length >= MAX_ISSUES) return;
  if (typeof value === 'string') {
    const found = UNPAIRED_SURROGATE.exec(value);
    if (found) {
      const param = path.length ? path.join('.') : null;
      const unit = `\\u${found[0].charCodeAt(0).toString(16)}`;
      issues.push({
        param,
        message: bodyProblem(
          param,
          `holds an unpaired UTF-16 surrogate (${unit}), which is not text; send valid Unicode`,
        ),
      });
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => findUnpairedSurrogates(item, [...path, String(i)], issues));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    findUnpairedSurrogates(key, [...path, key], issues);
    findUnpairedSurrogates(item, [...path, key], issues);
  }
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

async function readLimitedText(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  decoder: TextDecoder,
): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
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
    try {
      text += decode(decoder, value, true);
    } catch (err) {
      await reader.cancel();
      throw err;
    }
  }
  return text + decode(decoder, undefined, false);
}
