import { RESOURCE_NAME_PATTERN } from './schema';

/** The longest endpoint name (RESOURCE_NAME_PATTERN): longer strings are refused before the pattern runs. */
const MAX_NAME_LENGTH = 64;

/**
 * True when `name` could be an endpoint's name (1-64 letters, digits, ".", "_", "-";
 * src/endpoints/schema.ts). Anything else names no endpoint: a request for it is
 * answered without a lookup, so a 3 MB `model` never reaches D1, the endpoint cache
 * or a refusal counter.
 */
export function couldBeEndpointName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && RESOURCE_NAME_PATTERN.test(name);
}
