import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveEndpoint } from '../../src/endpoints/cache';
import { admin, createEndpoint, originUrl } from './helpers/router';

const external = (task: string) => ({
  name: 'ext',
  external_model: {
    name: 'claude-x',
    provider: 'anthropic',
    task,
    anthropic_config: { anthropic_api_key: '{{secrets/ANTHROPIC_API_KEY}}' },
  },
});
const entity = (name = 'primary') => ({ name, protocol: 'openai', model: 'm', origins: [{ url: originUrl() }] });

describe('config normalisation errors carry a code, like every other 400', () => {
  it('answers invalid_config with the field, on create and on update', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      [
        'POST',
        '/endpoints',
        { name: 'x', served_entities: [entity()], traffic: [{ served_entity: 'primary', percentage: 90 }] },
        'traffic',
      ],
      ['POST', '/endpoints', { name: 'x', served_entities: [entity(), entity()] }, 'served_entities'],
      [
        'POST',
        '/endpoints',
        { name: 'x', served_entities: [entity()], traffic: [{ served_entity: 'ghost', percentage: 100 }] },
        'traffic',
      ],
      // The external-model rules are part of the same normalisation.
      [
        'POST',
        '/endpoints',
        { name: 'x', served_entities: [external('llm/v1/completions')] },
        'served_entities.0.external_model.task',
      ],
      ['POST', '/endpoints', { name: 'x', served_entities: [external('llm/v1/chat'), entity()] }, 'served_entities'],
    ];
    for (const [method, path, body, param] of cases) {
      const res = await admin(method, path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json(), JSON.stringify(body)).toMatchObject({
        error: { code: 'invalid_config', param, type: 'invalid_request_error' },
      });
    }
    await createEndpoint('normalised');
    const patch = await admin('PATCH', '/endpoints/normalised', {
      served_entities: [entity('a')],
      traffic: [{ served_entity: 'a', percentage: 50 }],
    });
    expect(patch.status).toBe(400);
    expect(await patch.json()).toMatchObject({
      error: { code: 'invalid_config', param: 'traffic', message: 'traffic percentages add up to 50, not 100' },
    });
  });
});

describe('a read of an endpoint drops no cache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('GET /admin/v1/endpoints/:name leaves the isolate cache as it was; a write drops it', async () => {
    await createEndpoint('cached-read');
    // The clock stands still, so the cache entry cannot expire while the test looks at it.
    vi.spyOn(Date, 'now').mockReturnValue(Date.now());
    expect((await resolveEndpoint(env.DB, 'cached-read'))?.state).toBe('ready');
    // Changed behind the router's back: only a dropped cache entry would show it.
    await env.DB.prepare("UPDATE endpoints SET state = 'stopped' WHERE name = ?").bind('cached-read').run();

    const read = await admin('GET', '/endpoints/cached-read');
    expect(await read.json()).toMatchObject({ name: 'cached-read', state: 'stopped' });
    expect((await resolveEndpoint(env.DB, 'cached-read'))?.state).toBe('ready');

    // A write (start) drops the entry in this isolate: the next resolve reads D1 again.
    expect((await admin('POST', '/endpoints/cached-read/start')).status).toBe(200);
    await env.DB.prepare("UPDATE endpoints SET state = 'stopped' WHERE name = ?").bind('cached-read').run();
    expect((await resolveEndpoint(env.DB, 'cached-read'))?.state).toBe('stopped');
  });
});
