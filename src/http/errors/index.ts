import { adminErrors } from './admin';
import { admissionErrors } from './admission';
import { authErrors } from './auth';
import { guardrailErrors } from './guardrails';
import { originErrors } from './origins';
import { providerErrors } from './providers';
import { requestErrors } from './requests';
import { routeErrors } from './routes';

export { ApiError, CONCURRENCY_MESSAGE, type ErrorCode } from '../api-error';
export type { TokenRefusal } from './admission';

/**
 * The error catalogue: every error the router answers with is built here, by name
 * (`throw errors.originTimeout(entity, ms)`), one file per family. Status, code,
 * type, param and headers are decided here; callers pass plain values.
 * test/unit/error-catalogue.test.ts keeps `new ApiError(` out of the rest of src/.
 */
export const errors = {
  ...authErrors,
  ...admissionErrors,
  ...requestErrors,
  ...adminErrors,
  ...guardrailErrors,
  ...originErrors,
  ...providerErrors,
  ...routeErrors,
};
