import { z } from 'zod';

/** `GET /healthz`. */
export const Health = z.object({ status: z.literal('ok') });

/** `GET /openapi.json`: this document (its own schema is the OpenAPI 3.1 specification's). */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** `GET /docs`. */
export const DocsPage = z.string().meta({ description: 'A self-contained HTML page' });
