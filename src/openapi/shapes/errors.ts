import { z } from 'zod';
import type { ApiIssue } from '../../http/api-error';
import type { OpenAIErrorObject } from '../../protocols/openai/error-body';
import type { TgiError } from '../../protocols/tgi/types';
import type { Assert, SameShape } from '../same-shape';

/** The OpenAI error body (src/http/error-renderers.ts): inference /v1 routes (the admin API's adds `issues`). */
export const OpenAIError = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().meta({
      description:
        'invalid_request_error, authentication_error, permission_error, not_found_error, request_too_large, rate_limit_error or server_error',
    }),
    param: z
      .string()
      .nullable()
      .meta({ description: 'The request field at fault, dotted (`served_entities.0.origins.0.url`), or null' }),
    code: z.string().nullable().meta({
      description: 'Machine-readable reason, e.g. `invalid_body`, `model_not_found`, `concurrency_limit_exceeded`',
    }),
  }),
});

/** One problem a validation found (src/http/validate.ts). */
export const AdminErrorIssue = z.object({
  param: z.string().nullable().meta({ description: 'The field at fault, dotted as in `error.param`, or null' }),
  message: z.string().meta({ description: "In the words of `error.message`: `Invalid 'name': must not be empty`" }),
});

/** The admin API's error body (src/http/error-renderers.ts renderAdminError): OpenAI's, plus `issues`. */
export const AdminError = z.object({
  error: OpenAIError.shape.error.extend({
    issues: z.array(AdminErrorIssue).optional().meta({
      description:
        'On a 400 `invalid_body` or `invalid_query`: every problem the validation found (at most 50), in order; the first is `message` and `param`',
    }),
  }),
});

/** Anthropic's error body (src/http/error-renderers.ts): the Messages routes, also as their stream `error` event. */
export const AnthropicErrorShape = z.object({
  type: z.literal('error'),
  error: z.object({
    type: z.string().meta({
      description:
        'invalid_request_error (400), authentication_error (401), permission_error (403), not_found_error (404), request_too_large (413), rate_limit_error (429), api_error (5xx), timeout_error (504), overloaded_error (529: no healthy origin, or every origin overloaded)',
    }),
    message: z.string(),
  }),
});

/** TGI's error body, also used for TGI stream error events. */
export const TgiErrorBody = z.object({
  error: z.string(),
  error_type: z.string().meta({
    description:
      '`validation` (400/422), `overloaded` (429), `generation` (424 and 5xx), `incomplete_generation_stream` (in a stream); otherwise the OpenAI error type',
  }),
});

type _OpenAIErrorMatches = Assert<SameShape<z.infer<typeof OpenAIError>['error'], OpenAIErrorObject>>;
type _AdminIssueMatches = Assert<SameShape<z.infer<typeof AdminErrorIssue>, ApiIssue>>;
type _TgiErrorMatches = Assert<SameShape<z.infer<typeof TgiErrorBody>, TgiError>>;
