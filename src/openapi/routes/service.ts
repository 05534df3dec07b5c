import { z } from 'zod';
import { adminErrors, openaiErrors } from '../error-responses';
import { ConsoleFile, ConsolePage, DocsPage, Health, Me, OpenApiDocument } from '../shapes/service';
import type { RouteSpec } from '../route-spec';

/** Unauthenticated service routes. */
export const serviceRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tag: 'Service',
    auth: 'none',
    summary: 'Liveness check',
    responses: { 200: { description: 'The Worker is up', json: Health } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'Service',
    auth: 'none',
    summary: 'This API description (OpenAPI 3.1)',
    responses: { 200: { description: 'The OpenAPI 3.1 document', json: OpenApiDocument } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'getDocs',
    tag: 'Service',
    auth: 'none',
    summary: 'This API description as a readable page',
    responses: { 200: { description: 'A self-contained HTML page (no scripts, works offline)', html: DocsPage } },
  },
  {
    method: 'get',
    path: '/',
    operationId: 'getConsole',
    tag: 'Console',
    auth: 'none',
    summary: 'The web console',
    description:
      "Sign in by pasting a key (kept in the tab’s sessionStorage, sent as a Bearer token; no cookies). Served with `Content-Security-Policy: default-src 'none'; script-src 'self'; … frame-ancestors 'none'`.",
    responses: { 200: { description: 'The console’s page', html: ConsolePage } },
  },
  {
    method: 'get',
    path: '/console/{file}',
    operationId: 'getConsoleFile',
    tag: 'Console',
    auth: 'none',
    summary: 'The console’s script or stylesheet',
    params: { file: { description: '`app.js` or `app.css`', schema: z.string() } },
    responses: {
      200: { description: 'The file', files: { mediaTypes: ['text/javascript', 'text/css'], schema: ConsoleFile } },
      ...openaiErrors({ 404: 'No such file' }),
    },
  },
  {
    method: 'get',
    path: '/admin/v1/me',
    operationId: 'getMe',
    tag: 'Admin: tenants',
    auth: 'adminToken',
    summary: 'Who the bearer token is: role and tenant',
    responses: {
      200: { description: 'The caller', json: Me },
      ...adminErrors([401, 403], { 403: 'An endpoint key (code `endpoint_key_on_admin_api`)' }),
    },
  },
];
