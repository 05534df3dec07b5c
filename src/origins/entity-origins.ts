import { isExternal, type ServedEntity } from '../endpoints/schema';
import { providerApi } from '../external/provider';
import type { Origin } from './select';

/** The origins a served entity is reached at: its own, or for an external model its provider's API base. */
export function entityOrigins(entity: ServedEntity): Origin[] {
  return isExternal(entity) ? [{ url: providerApi(entity).base }] : entity.origins;
}
