import { ApiError } from '../../src/http/api-error';

/** The ApiError `fn` throws; fails the test if it throws something else or nothing. */
export function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}
