import { DocsPage, Health, OpenApiDocument } from '../shapes/service';
import type { RouteSpec } from '../route-spec';

/** Unauthenticated service routes. */
export const serviceRoutes: RouteSpec[] = [
  {
    method: 'get', path: '/healthz', operationId: 'getHealth', tag: 'Service', auth: 'none',
    summary: 'Liveness check',
    responses: { 200: { description: 'The Worker is up', json: Health } },
  },
  {
    method: 'get', path: '/openapi.json', operationId: 'getOpenApiDocument', tag: 'Service', auth: 'none',
    summary: 'This API description (OpenAPI 3.1)',
    responses: { 200: { description: 'The OpenAPI 3.1 document', json: OpenApiDocument } },
  },
  {
    method: 'get', path: '/docs', operationId: 'getDocs', tag: 'Service', auth: 'none',
    summary: 'This API description as a readable page',
    responses: { 200: { description: 'A self-contained HTML page (no scripts, works offline)', html: DocsPage } },
  },
];
