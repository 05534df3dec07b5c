import { z } from 'zod';
import { ROLES } from '../../auth/principal';

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

/** `GET /`. */
export const ConsolePage = z
  .string()
  .meta({ description: 'The web console’s HTML page (its code is /console/app.js)' });

/** `GET /console/{file}`. */
export const ConsoleFile = z
  .string()
  .meta({ description: 'The console’s bundled script (app.js) or stylesheet (app.css)' });

/** `GET /admin/v1/me`. */
export const Me = z.object({
  id: z.string().meta({ description: '`admin` for the ADMIN_TOKEN, else the platform key’s id' }),
  role: z.enum(ROLES),
  tenant: z.string().nullable().meta({ description: 'null: every tenant (org admin)' }),
});
