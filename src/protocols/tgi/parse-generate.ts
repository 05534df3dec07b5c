import { errors } from '../../http/errors';
import { describeFirstIssue } from '../../http/issue-message';
import { safeParseBody } from '../../http/parse-body';
import { GenerateRequest } from './types';

/**
 * Reads a TGI request body. A body of the wrong shape is TGI's 422 "Failed to
 * deserialize the JSON body" (as JSON here, with the field named), not a 400.
 */
export function parseGenerate(raw: unknown): GenerateRequest {
  const result = safeParseBody(GenerateRequest, raw);
  if (result.success) return result.data;
  const { param, message } = describeFirstIssue(result.error, GenerateRequest, 'missing field');
  throw errors.tgiDeserialize(param, message);
}
