import { ApiError } from '../../http/api-error';
import { GenerateRequest } from './generate-schema';

/**
 * Reads a TGI request body. A body of the wrong shape is TGI's 422 "Failed to
 * deserialize the JSON body" (as JSON here, with the field named), not a 400.
 */
export function parseGenerate(raw: unknown): GenerateRequest {
  const result = GenerateRequest.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.map(String).join('.') || null;
  const what = issue.code === 'invalid_type' && issue.input === undefined ? 'missing field' : issue.message;
  throw new ApiError(422, `Failed to deserialize the JSON body into the target type: ${param ? `${param}: ` : ''}${what}`, {
    type: 'validation',
    param,
    code: 'validation',
  });
}
