import { expect } from 'vitest';

export type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

/** Asserts an OpenAI-shape JSON error with this status, matching `match`, and exactly its four fields. */
export async function expectError(
  res: Response,
  status: number,
  match: Partial<ErrorBody['error']>,
): Promise<ErrorBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = (await res.json()) as ErrorBody;
  expect(body.error).toMatchObject(match);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return body;
}
