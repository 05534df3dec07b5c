import { Hono, type Context } from 'hono';
import { forgetEndpoint } from '../../endpoints/cache';
import { normalizeConfig } from '../../endpoints/normalize-config';
import { EndpointCreate, EndpointPatch, type Endpoint } from '../../endpoints/schema';
import { EndpointStore } from '../../endpoints/store';
import type { AppEnv } from '../../env';
import { forgetHealth, healthMap, markedDown } from '../../origins/health-store';
import { ApiError } from '../../http/api-error';
import { readJsonBody } from '../../http/json-body';
import { validate } from '../../http/validate';

/** Admin API for endpoints: create, list, info, update (new config version), stop, start, delete. */
export const endpointAdmin = new Hono<AppEnv>();

const now = () => new Date().toISOString();
const store = (c: Context<AppEnv>) => new EndpointStore(c.env.DB);

async function existing(c: Context<AppEnv>): Promise<Endpoint> {
  const name = c.req.param('name')!;
  const endpoint = await store(c).get(name);
  if (!endpoint) throw new ApiError(404, `Endpoint '${name}' does not exist`, { code: 'endpoint_not_found' });
  return endpoint;
}

endpointAdmin.post('/', async (c) => {
  const input = validate(EndpointCreate, await readJsonBody(c));
  const config = normalizeConfig(input);
  const endpoint = await store(c).create(input.name, input.description ?? '', config, now());
  forgetEndpoint(endpoint.name);
  return c.json(endpoint, 201);
});

endpointAdmin.get('/', async (c) => c.json({ object: 'list', data: await store(c).list() }));

/** Endpoint info, with each origin's last known health (cron probe or a breaker's ejection). */
endpointAdmin.get('/:name', async (c) => {
  const endpoint = await existing(c);
  forgetHealth();
  const health = await healthMap(c.env.DB);
  const origin_health = endpoint.served_entities.flatMap((entity) =>
    entity.origins.map((o) => {
      const h = health.get(o.url);
      return {
        served_entity: entity.name,
        url: o.url,
        healthy: h ? (markedDown(health, o.url) ? false : h.healthy ? true : null) : null,
        checked_at: h?.checked_at ?? null,
        source: h?.source ?? null,
        detail: h?.detail ?? '',
      };
    }),
  );
  return c.json({ ...endpoint, origin_health });
});

endpointAdmin.patch('/:name', async (c) => {
  const patch = validate(EndpointPatch, await readJsonBody(c));
  if (Object.keys(patch).length === 0) throw new ApiError(400, 'The update names no field to change', { code: 'empty_update' });
  const current = await existing(c);
  const config = normalizeConfig(patch, current);
  const updated = await store(c).update(current, patch.description ?? current.description, config, now());
  forgetEndpoint(updated.name);
  return c.json(updated);
});

for (const [action, state] of [['stop', 'stopped'], ['start', 'ready']] as const) {
  endpointAdmin.post(`/:name/${action}`, async (c) => {
    const endpoint = await existing(c);
    const updated = await store(c).setState(endpoint.name, state, now());
    forgetEndpoint(endpoint.name);
    return c.json(updated);
  });
}

endpointAdmin.delete('/:name', async (c) => {
  const endpoint = await existing(c);
  await store(c).delete(endpoint.name);
  forgetEndpoint(endpoint.name);
  return c.json({ name: endpoint.name, deleted: true });
});
