import type { Context } from 'hono';
import { renderDocsPage } from './docs-page';
import { openApiDocument } from './document';

/**
 * `GET /openapi.json` and `GET /docs`. src/app.ts imports this module on the first
 * such request, so the description costs nothing until someone asks for it; then
 * it is built once and kept for the isolate's life.
 */
let json: string | undefined;
let html: string | undefined;

export function openApiJson(c: Context): Response {
  json ??= JSON.stringify(openApiDocument());
  return c.body(json, 200, { 'content-type': 'application/json; charset=utf-8' });
}

export function docsPage(c: Context): Response {
  html ??= renderDocsPage(openApiDocument());
  return c.html(html);
}
