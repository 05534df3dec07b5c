import { ResourceName } from './schema';

/** The longest endpoint name (src/endpoints/schema.ts, ResourceName). */
const MAX_NAME_LENGTH = 64;

/**
 * True when `name` could be an endpoint's name (1-64 letters, digits, ".", "_", "-";
 * src/endpoints/schema.ts). Anything else names no endpoint: a request for it is
 * answered without a lookup, so a 3 MB `model` never reaches D1, the endpoint cache
 * or a refusal counter.
 */
export function couldBeEndpointName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && ResourceName.safeParse(name).success;
}
