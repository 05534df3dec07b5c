import { expect } from 'vitest';

export type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

/** Asserts an OpenAI-shape JSON error with this status, matching `match`, and exactly its four fields. */
export async function expectError(
  res: Response,
  status: number,
  match: Partial<ErrorBody['error']>,
): Promise<ErrorBody> {
  const body = await jsonError<ErrorBody>(res, status, match);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return body;
}

/** The JSON error body, after checking its status, content type and `match`. */
async function jsonError<T extends ErrorBody>(res: Response, status: number, match: Partial<ErrorBody['error']>) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = (await res.json()) as T;
  expect(body.error).toMatchObject(match);
  return body;
}

export type AdminErrorBody = {
  error: ErrorBody['error'] & { issues?: Array<{ param: string | null; message: string }> };
};

/**
 * Asserts the admin API's error: the OpenAI shape's four fields, plus `issues` on a validation refusal
 * (every problem as `{ param, message }`, the first being the error's own `param` and `message`).
 */
export async function expectAdminError(
  res: Response,
  status: number,
  match: Partial<ErrorBody['error']>,
): Promise<AdminErrorBody> {
  const body = await jsonError<AdminErrorBody>(res, status, match);
  const { issues, ...rest } = body.error;
  expect(Object.keys(rest).sort()).toEqual(['code', 'message', 'param', 'type']);
  if (issues !== undefined) {
    expect(issues[0]).toEqual({ param: body.error.param, message: body.error.message });
    for (const issue of issues) expect(Object.keys(issue).sort()).toEqual(['message', 'param']);
  }
  return body;
}
