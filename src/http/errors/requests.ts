import { ApiError, type ApiIssue } from '../api-error';
import { clip } from '../clip';

/**
 * Refusals of the request itself, before any origin is called: its body, query or
 * parameters (400), its size (413), TGI's validation (422, in TGI's words), the model
 * it names (404), an operation or task the endpoint does not serve.
 */
/** A body problem in words: "Invalid '<param>': <why>", or "Invalid request body: <why>" for the body itself. */
export function bodyProblem(param: string | null, why: string): string {
  return `Invalid ${param ? `'${param}'` : 'request body'}: ${why}`;
}

/** A query problem in words: "Invalid query parameter '<param>': <why>", or "Invalid query string: <why>". */
export function queryProblem(param: string | null, why: string): string {
  return param ? `Invalid query parameter '${param}': ${why}` : `Invalid query string: ${why}`;
}

export const requestErrors = {
  invalidJson: (message: string) => new ApiError(400, message, { code: 'invalid_json' }),
  /** One problem of the body; like every `invalid_body`, it is listed in `issues` too (the admin API renders them). */
  invalidBody: (message: string, param: string | null) =>
    new ApiError(400, message, { param, code: 'invalid_body', issues: [{ param, message }] }),
  /** A schema's refusal: the first problem is the message and param, `issues` lists every one (first included). */
  invalidBodyIssues: (issues: readonly [ApiIssue, ...ApiIssue[]]) =>
    new ApiError(400, issues[0].message, { param: issues[0].param, code: 'invalid_body', issues }),
  /** A field with a value the router cannot use: "Invalid '<param>': <why>" (one issue). */
  invalidField: (param: string, why: string) => requestErrors.invalidBody(bodyProblem(param, why), param),
  emptyUpdate: () => new ApiError(400, 'The update names no field to change', { code: 'empty_update' }),
  tooLarge: (limit: number) =>
    new ApiError(413, `Request body exceeds the limit of ${limit} bytes`, { code: 'request_too_large' }),
  /**
   * One problem of a query parameter: "Invalid query parameter '<param>': <why>". Like every `invalid_query`, it is
   * listed in `issues` too (the admin API renders them).
   */
  invalidQuery: (param: string, why: string) => {
    const message = queryProblem(param, why);
    return new ApiError(400, message, { param, code: 'invalid_query', issues: [{ param, message }] });
  },
  /** A query schema's refusal: the first problem is the message and param, `issues` lists every one (first included). */
  invalidQueryIssues: (issues: readonly [ApiIssue, ...ApiIssue[]]) =>
    new ApiError(400, issues[0].message, { param: issues[0].param, code: 'invalid_query', issues }),
  invalidCursor: () =>
    new ApiError(400, "Invalid 'cursor': pass the 'next_cursor' of the previous page unchanged", {
      param: 'cursor',
      code: 'invalid_cursor',
    }),
  /** The name as sent, cut to its first 100 characters (clip: a `model` may be megabytes long). */
  unknownModel: (name: string) =>
    new ApiError(404, `The model '${clip(name)}' does not exist`, {
      param: 'model',
      code: 'model_not_found',
    }),
  /**
   * A parameter the endpoint's `server` (e.g. "TGI origin", "Anthropic model") has no counterpart for.
   * Refusing is better than dropping whenever the answer would silently differ from what the client asked for.
   */
  unsupportedParameter: (param: string, why: string, server = 'origin') =>
    new ApiError(400, `'${param}' is not supported by this endpoint's ${server}: ${why}`, {
      param,
      code: 'unsupported_parameter',
    }),
  /**
   * A refusal of a request translated to chat, in the client's terms: its field as the client sent it
   * (src/api/client-terms.ts, responses-on-chat), named so in the message too, with `words` (chat's, the
   * client's) replaced as well.
   */
  inClientTerms: (err: ApiError, param: string, words: ReadonlyArray<readonly [string, string]> = []) => {
    let message = err.param === null ? err.message : err.message.split(`'${err.param}'`).join(`'${param}'`);
    for (const [chat, client] of words) message = message.split(chat).join(client);
    return new ApiError(err.status, message, { type: err.type, param, code: err.code, headers: err.headers });
  },
  /** A parameter nothing behind the router can honour; `message` says what to send instead. */
  unsupported: (param: string, message: string) => new ApiError(400, message, { param, code: 'unsupported_parameter' }),
  /** A built-in (server) tool of the client's API that no origin has. */
  unsupportedTool: (param: string, message: string) => new ApiError(400, message, { param, code: 'unsupported_tool' }),
  /** A kind of request the endpoint does not serve (embeddings of a TGI model, generate of an origin without it…). */
  unsupportedOperation: (message: string, param: string | null = null) =>
    new ApiError(400, message, { param, code: 'unsupported_operation' }),
  /** An external model called on a route of another task; `not` names the API called, when the message should. */
  unsupportedTask: (endpoint: string, task: string, route: string, not?: string) =>
    new ApiError(
      400,
      `Endpoint '${endpoint}' serves an external model for task '${task}': it answers ${route} only${not ? `, not ${not}` : ''}`,
      { code: 'unsupported_task' },
    ),
  /** TGI's 422 for a body of the wrong shape. */
  tgiDeserialize: (param: string | null, message: string) =>
    new ApiError(
      422,
      `Failed to deserialize the JSON body into the target type: ${param ? `${param}: ` : ''}${message}`,
      { type: 'validation', param, code: 'validation' },
    ),
  /** TGI's 422 for a value its validation refuses. */
  tgiValidation: (message: string, param: string | null) =>
    new ApiError(422, `Input validation error: ${message}`, { type: 'validation', param, code: 'validation' }),
  /** TGI's `best_of` > 1, which an OpenAI origin cannot do: in TGI's validation words. */
  tgiBestOf: () =>
    new ApiError(422, "Input validation error: `best_of` > 1 is not supported by this endpoint's origin", {
      type: 'validation',
      param: 'parameters.best_of',
      code: 'unsupported_parameter',
    }),
};
