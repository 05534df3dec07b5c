import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { admin, call, createEndpoint, originUrl } from './helpers/router';

const entity = (name = 'primary') => ({ name, protocol: 'openai', model: 'm', origins: [{ url: originUrl() }] });

describe('admin API: endpoints', () => {
  it('refuses calls without the admin token, in OpenAI error shape', async () => {
    const none = await call('/admin/v1/endpoints');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({
      error: { message: expect.stringMatching(/^Missing admin token/), type: 'authentication_error' },
    });
    const wrong = await call('/admin/v1/endpoints', { token: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      error: { message: 'Invalid admin token', type: 'authentication_error' },
    });
  });

  it('creates an endpoint with its first config version', async () => {
    const res = await admin('POST', '/endpoints', {
      name: 'create-me',
      description: 'Llama for the support bot',
      served_entities: [entity()],
      defaults: { system_prompt: 'Be brief.', temperature: 0.3 },
      rate_limits: [{ key: 'api_key', calls: 100, renewal_period: 'minute' }],
      tags: [{ key: 'team', value: 'support' }],
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      name: 'create-me',
      description: 'Llama for the support bot',
      state: 'ready',
      config_version: 1,
      traffic: [{ served_entity: 'primary', percentage: 100 }],
      defaults: { system_prompt: 'Be brief.', temperature: 0.3 },
      tags: [{ key: 'team', value: 'support' }],
    });
    const stored = await env.DB.prepare('SELECT version FROM endpoint_configs WHERE endpoint = ?')
      .bind('create-me')
      .all();
    expect(stored.results).toEqual([{ version: 1 }]);
  });

  it('says which field is wrong', async () => {
    const cases: Array<[unknown, string]> = [
      [{ served_entities: [entity()] }, 'name'],
      [{ name: 'bad name!', served_entities: [entity()] }, 'name'],
      [{ name: 'x', served_entities: [] }, 'served_entities'],
      [{ name: 'x', served_entities: [{ ...entity(), protocol: 'grpc' }] }, 'served_entities.0.protocol'],
      [
        { name: 'x', served_entities: [{ ...entity(), origins: [{ url: 'ftp://h' }] }] },
        'served_entities.0.origins.0.url',
      ],
      [{ name: 'x', served_entities: [entity()], defaults: { temperature: 3 } }, 'defaults.temperature'],
      [{ name: 'x', served_entities: [entity()], defaults: { colour: 'red' } }, 'defaults'],
      [{ name: 'x', served_entities: [entity()], traffic: [{ served_entity: 'primary', percentage: 90 }] }, 'traffic'],
    ];
    for (const [body, param] of cases) {
      const res = await admin('POST', '/endpoints', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe(param);
    }
  });

  it('lists every problem in `issues`, the first being `message` and `param`', async () => {
    const res = await admin('POST', '/endpoints', {
      name: 'bad name!',
      served_entities: [{ ...entity(), origins: [{ url: 'ftp://h' }] }],
      defaults: { temperature: 3 },
      timeouts: { idle_ms: 5 },
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as {
      error: { message: string; param: string; code: string; issues: Array<{ param: string; message: string }> };
    };
    expect(error.code).toBe('invalid_body');
    expect(error.issues.map((i) => i.param)).toEqual([
      'name',
      'served_entities.0.origins.0.url',
      'defaults.temperature',
      'timeouts.idle_ms',
    ]);
    expect(error.issues[0]).toEqual({ param: error.param, message: error.message });
    for (const issue of error.issues) expect(issue.message).toMatch(new RegExp(`^Invalid '${issue.param}': `));
    // Each issue is worded as the single message would be had it been the only problem.
    const alone = await admin('POST', '/endpoints', {
      name: 'x',
      served_entities: [entity()],
      timeouts: { idle_ms: 5 },
    });
    const only = ((await alone.json()) as { error: { message: string; issues: unknown[] } }).error;
    expect(only.issues).toEqual([{ param: 'timeouts.idle_ms', message: only.message }]);
    expect(error.issues[3]!.message).toBe(only.message);
  });

  it("lists a served entity's other problems when its `protocol` is missing or unknown", async () => {
    type Issues = { error: { message: string; param: string; issues: Array<{ param: string; message: string }> } };
    const { protocol: _, model: __, ...noProtocol } = entity();
    const missing = await admin('POST', '/endpoints', {
      name: 'x',
      served_entities: [{ ...noProtocol, origins: [{ url: 'not a url' }, { url: originUrl(), weight: 0 }] }],
    });
    expect(missing.status).toBe(400);
    const { error } = (await missing.json()) as Issues;
    expect(error.issues).toEqual([
      {
        param: 'served_entities.0.protocol',
        message: "Invalid 'served_entities.0.protocol': required field is missing (expected one of 'openai', 'tgi')",
      },
      { param: 'served_entities.0.model', message: "Invalid 'served_entities.0.model': required field is missing" },
      {
        param: 'served_entities.0.origins.0.url',
        message: "Invalid 'served_entities.0.origins.0.url': must be an http(s) URL",
      },
      {
        param: 'served_entities.0.origins.1.weight',
        message: "Invalid 'served_entities.0.origins.1.weight': must be ≥ 1",
      },
    ]);
    expect({ param: error.param, message: error.message }).toEqual(error.issues[0]);

    // An unknown protocol, on an update: the same list, the protocol's issue worded as before.
    await createEndpoint('protocol-typo');
    const unknown = await admin('PATCH', '/endpoints/protocol-typo', {
      served_entities: [entity('a'), { ...entity('b'), name: 'b b', protocol: 'grpc', origins: [{ url: 'ftp://h' }] }],
      timeouts: { total_ms: 5 },
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Issues).error.issues).toEqual([
      {
        param: 'served_entities.1.name',
        message: `Invalid 'served_entities.1.name': must be 1-64 characters: letters, digits, ".", "_" or "-"`,
      },
      {
        param: 'served_entities.1.protocol',
        message: "Invalid 'served_entities.1.protocol': unknown value 'grpc', expected one of 'openai', 'tgi'",
      },
      {
        param: 'served_entities.1.origins.0.url',
        message: "Invalid 'served_entities.1.origins.0.url': must be an http(s) URL",
      },
      { param: 'timeouts.total_ms', message: "Invalid 'timeouts.total_ms': must be at least 100 ms" },
    ]);

    // With its protocol right, an entity's problems are all listed as well.
    const known = await admin('POST', '/endpoints', {
      name: 'x',
      served_entities: [{ ...entity(), model: '', origins: [{ url: 'ftp://h' }], responses_api: 'yes' }],
    });
    expect(((await known.json()) as Issues).error.issues.map((i) => i.param)).toEqual([
      'served_entities.0.model',
      'served_entities.0.origins.0.url',
      'served_entities.0.responses_api',
    ]);
  });

  it('bounds `issues` to the first 50 problems', async () => {
    // 64 tags at most, each with two wrong fields: 128 problems.
    const tags = Array.from({ length: 64 }, () => ({ key: 7, value: 7 }));
    const res = await admin('POST', '/endpoints', { name: 'x', served_entities: [entity()], tags });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { param: string; issues: Array<{ param: string }> } };
    expect(error.issues).toHaveLength(50);
    expect(error.issues[0]!.param).toBe(error.param);
  });

  it('refuses malformed JSON with a JSON error', async () => {
    const res = await call('/admin/v1/endpoints', { method: 'POST', token: 'test-admin-token', body: '{"name":' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('refuses a second endpoint with the same name', async () => {
    await createEndpoint('twice');
    const res = await admin('POST', '/endpoints', { name: 'twice', served_entities: [entity()] });
    expect(res.status).toBe(409);
  });

  it('lists and shows endpoints; 404 for an unknown one', async () => {
    await createEndpoint('listed-1');
    await createEndpoint('listed-2');
    const list = (await (await admin('GET', '/endpoints')).json()) as { data: Array<{ name: string }> };
    expect(list.data.map((e) => e.name)).toEqual(expect.arrayContaining(['listed-1', 'listed-2']));
    expect((await admin('GET', '/endpoints/listed-2')).status).toBe(200);
    const missing = await admin('GET', '/endpoints/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'endpoint_not_found' } });
  });

  it('updates by writing a new config version and keeps the old one', async () => {
    await createEndpoint('evolving');
    const res = await admin('PATCH', '/endpoints/evolving', {
      served_entities: [entity('a'), entity('b')],
      traffic: [
        { served_entity: 'a', percentage: 80 },
        { served_entity: 'b', percentage: 20 },
      ],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      config_version: 2,
      traffic: [
        { served_entity: 'a', percentage: 80 },
        { served_entity: 'b', percentage: 20 },
      ],
    });
    const second = await admin('PATCH', '/endpoints/evolving', {
      description: 'now with b',
      defaults: { max_tokens: 7 },
    });
    expect(await second.json()).toMatchObject({
      config_version: 3,
      description: 'now with b',
      defaults: { max_tokens: 7 },
      served_entities: [{ name: 'a' }, { name: 'b' }],
    });
    const versions = await env.DB.prepare('SELECT version FROM endpoint_configs WHERE endpoint = ? ORDER BY version')
      .bind('evolving')
      .all();
    expect(versions.results).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
  });

  it('refuses an update that breaks the config, and an empty one', async () => {
    await createEndpoint('guarded');
    const bad = await admin('PATCH', '/endpoints/guarded', { traffic: [{ served_entity: 'ghost', percentage: 100 }] });
    expect(bad.status).toBe(400);
    expect((await admin('PATCH', '/endpoints/guarded', {})).status).toBe(400);
    expect((await admin('PATCH', '/endpoints/guarded', { name: 'renamed' })).status).toBe(400);
    expect(await (await admin('GET', '/endpoints/guarded')).json()).toMatchObject({ config_version: 1 });
  });

  it('lets only one of two concurrent updates win', async () => {
    await createEndpoint('contended');
    const results = await Promise.all([
      admin('PATCH', '/endpoints/contended', { description: 'one' }),
      admin('PATCH', '/endpoints/contended', { description: 'two' }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    // D1 serialises the writes; either both apply in turn (200, 200) on fresh reads, or the loser gets 409.
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const final = (await (await admin('GET', '/endpoints/contended')).json()) as { config_version: number };
    expect(final.config_version).toBe(1 + statuses.filter((s) => s === 200).length);
  });

  it('stops, starts and deletes', async () => {
    await createEndpoint('lifecycle');
    expect(await (await admin('POST', '/endpoints/lifecycle/stop')).json()).toMatchObject({ state: 'stopped' });
    expect(await (await admin('POST', '/endpoints/lifecycle/start')).json()).toMatchObject({ state: 'ready' });
    const del = await admin('DELETE', '/endpoints/lifecycle');
    expect(await del.json()).toEqual({ name: 'lifecycle', deleted: true });
    expect((await admin('GET', '/endpoints/lifecycle')).status).toBe(404);
    expect(
      await env.DB.prepare('SELECT COUNT(*) AS n FROM endpoint_configs WHERE endpoint = ?')
        .bind('lifecycle')
        .first('n'),
    ).toBe(0);
  });
});

describe('audit records of concurrent updates', () => {
  it('an update that lost a race to another leaves no audit record: one record per update that landed', async () => {
    await createEndpoint('audit-race');
    // Sent together, they read the same version; the batches that find it moved write nothing (409).
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => admin('PATCH', '/endpoints/audit-race', { description: `race ${i}` })),
    );
    const statuses = await Promise.all(
      results.map(async (r) => {
        await r.text();
        return r.status;
      }),
    );
    const landed = statuses.filter((s) => s === 200 || s === 202).length;
    expect(landed).toBeGreaterThanOrEqual(1);
    expect(landed + statuses.filter((s) => s === 409).length).toBe(4);
    const audit = (await (await admin('GET', '/audit?target=audit-race&limit=200')).json()) as {
      data: Array<{ action: string; detail: { config_version?: number } }>;
    };
    const updates = audit.data.filter((r) => r.action === 'endpoint.update');
    expect(updates).toHaveLength(landed);
    // Each names a version that exists: the one its update wrote.
    const versions = (await (await admin('GET', '/endpoints/audit-race/versions')).json()) as {
      data: Array<{ version: number }>;
    };
    const written = new Set(versions.data.map((v) => v.version));
    for (const u of updates) expect(written.has(u.detail.config_version!)).toBe(true);
  });
});

describe('audit records of changes that changed nothing', () => {
  /** The endpoint's audit records with `action`. */
  async function records(name: string, action: string): Promise<Array<{ action: string; detail: { with?: string } }>> {
    const audit = (await (await admin('GET', `/audit?target=${name}&limit=200`)).json()) as {
      data: Array<{ action: string; detail: { with?: string } }>;
    };
    return audit.data.filter((r) => r.action === action);
  }

  it('a share repeated leaves one record: the repeats changed nothing', async () => {
    expect((await admin('POST', '/tenants', { name: 'audit-share-tenant' })).status).toBe(201);
    await createEndpoint('audit-share');
    for (let i = 0; i < 3; i++) {
      const shared = await admin('POST', '/endpoints/audit-share/shares', { tenant: 'audit-share-tenant' });
      expect(shared.status).toBe(200);
    }
    expect(await records('audit-share', 'endpoint.share')).toHaveLength(1);
  });

  it('an unshare repeated leaves one record, and sharing again is a change again', async () => {
    expect((await admin('POST', '/tenants', { name: 'audit-unshare-tenant' })).status).toBe(201);
    await createEndpoint('audit-unshare');
    const share = () => admin('POST', '/endpoints/audit-unshare/shares', { tenant: 'audit-unshare-tenant' });
    expect((await share()).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const unshared = await admin('DELETE', '/endpoints/audit-unshare/shares/audit-unshare-tenant');
      expect(unshared.status).toBe(200);
    }
    expect(await records('audit-unshare', 'endpoint.unshare')).toHaveLength(1);
    expect((await share()).status).toBe(200);
    expect(await records('audit-unshare', 'endpoint.share')).toHaveLength(2);
  });

  it('concurrent deletes of one endpoint: one deletes it and leaves one record; the ones that lost the race deleted nothing and answer 404', async () => {
    await createEndpoint('audit-delete-race');
    // Sent together, they read the endpoint before any of them deletes it.
    const results = await Promise.all(Array.from({ length: 4 }, () => admin('DELETE', '/endpoints/audit-delete-race')));
    const statuses = await Promise.all(
      results.map(async (r) => {
        await r.text();
        return r.status;
      }),
    );
    // Sent together, all four read the endpoint before any deletes it (before the fix, more than one answered 200).
    expect(statuses.sort()).toEqual([200, 404, 404, 404]);
    expect(await records('audit-delete-race', 'endpoint.delete')).toHaveLength(1);
  });
});
