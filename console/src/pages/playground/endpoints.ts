// The endpoints the playground may chat with: a platform session lists them (with their origins' regions
// and defaults); an endpoint key knows only the model ids /v1/models gives it.

import { json, listEndpoints } from '../../api';
import type { PageContext } from '../../page';
import { isExternal, type Defaults } from '../../types';

export interface EndpointChoice {
  name: string;
  /** Regions of its origins (known to platform sessions only). */
  regions: string[];
  defaults: Defaults | null;
}

export async function loadEndpoints(ctx: PageContext): Promise<EndpointChoice[]> {
  if (ctx.session.kind === 'platform') {
    const list = await listEndpoints(ctx.session.key);
    return list.map((e) => ({
      name: e.name,
      regions: [
        ...new Set(
          e.served_entities.flatMap((s) =>
            (isExternal(s) ? [] : s.origins).map((o) => o.region).filter((r): r is string => !!r),
          ),
        ),
      ],
      defaults: e.defaults,
    }));
  }
  const models = await json<{ data: Array<{ id: string }> }>('GET', '/v1/models', {
    key: ctx.session.key,
    signal: ctx.signal,
  });
  return models.data.map((m) => ({ name: m.id, regions: [], defaults: null }));
}
