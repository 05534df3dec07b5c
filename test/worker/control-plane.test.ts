import { describe, expect, it } from 'vitest';
import { CONCURRENCY_MESSAGE } from '../../src/http/api-error';
import { expectAdminError } from './helpers/expect-error';
import {
  ADMIN_TOKEN,
  CHAT_MODEL,
  admin,
  call,
  createEndpoint,
  createKey,
  eventually,
  originUrl,
} from './helpers/router';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const hello = [{ role: 'user', content: 'hello' }];
const chat = (token: string, model: string, extra: Json = {}) =>
  call('/v1/chat/completions', { method: 'POST', token, json: { model, messages: hello, ...extra } });
const as = (token: string) => (method: string, path: string, json?: unknown) =>
  call(`/admin/v1${path}`, { method, token, json });
const entity = (url = originUrl(), name = 'main') => ({
  name,
  protocol: 'openai',
  model: CHAT_MODEL,
  origins: [{ url }],
});

describe('First Key', () => {
  it('comes with every endpoint, works at once, and can be neither revoked nor edited', async () => {
    const res = await admin('POST', '/endpoints', { name: 'fk', served_entities: [entity()] });
    const body = (await res.json()) as Json;
    expect(body.first_key.key).toMatch(/^sk-rt-/);
    expect((await chat(body.first_key.key, 'fk')).status).toBe(200);
    const info = (await (await admin('GET', `/keys/${body.first_key.id}`)).json()) as Json;
    expect(info).toMatchObject({ first_key: true, endpoints: ['fk'], description: "First Key of endpoint 'fk'" });
    expect(JSON.stringify(info)).not.toContain(body.first_key.key);
    expect((await admin('POST', `/keys/${body.first_key.id}/revoke`)).status).toBe(403);
    expect((await admin('PATCH', `/keys/${body.first_key.id}`, { description: 'x' })).status).toBe(403);
    await admin('DELETE', '/endpoints/fk');
    expect((await chat(body.first_key.key, 'fk')).status).toBe(401);
  });
});

describe('versioned configs', () => {
  it('switches to a new version once its origins are healthy, and keeps the old one serving when they are not', async () => {
    await createEndpoint('rollout');
    const good = await admin('PATCH', '/endpoints/rollout', { served_entities: [entity(originUrl(), 'second')] });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ config_version: 2, config_update: 'none', pending_version: null });

    const { key } = await createKey();
    const bad = await admin('PATCH', '/endpoints/rollout', {
      served_entities: [entity('http://127.0.0.1:9', 'third')],
    });
    expect(bad.status).toBe(202);
    expect(await bad.json()).toMatchObject({ config_version: 2, config_update: 'in_progress', pending_version: 3 });
    const served = await chat(key, 'rollout');
    expect(served.status).toBe(200);
    expect(served.headers.get('x-served-entity')).toBe('second');
    const failed = await eventually(async () => {
      const e = (await (await admin('GET', '/endpoints/rollout')).json()) as Json;
      expect(e.config_update).toBe('failed');
      return e;
    }, 15_000);
    expect(failed).toMatchObject({ config_version: 2, pending_version: null, state: 'ready' });
    expect(failed.config_update_error).toContain("served entity 'third'");
    expect((await chat(key, 'rollout')).headers.get('x-served-entity')).toBe('second');
  }, 20_000);

  it('lists versions, rolls back to an earlier one, and updates a served entity in place', async () => {
    await createEndpoint('history', { body: { defaults: { temperature: 0.1 } } });
    await admin('PATCH', '/endpoints/history', { defaults: { temperature: 0.9 } });
    const versions = (await (await admin('GET', '/endpoints/history/versions')).json()) as Json;
    expect(versions.data.map((v: Json) => [v.version, v.serving])).toEqual([
      [1, false],
      [2, true],
    ]);

    const back = await admin('POST', '/endpoints/history/rollback', { version: 1 });
    expect(await back.json()).toMatchObject({ config_version: 3, defaults: { temperature: 0.1 } });
    expect((await admin('POST', '/endpoints/history/rollback', { version: 9 })).status).toBe(404);

    const moved = await admin('PATCH', '/endpoints/history/served-entities/history-a', { model_version: '2026-11-01' });
    expect(await moved.json()).toMatchObject({
      config_version: 4,
      served_entities: [{ name: 'history-a', model_version: '2026-11-01', model: CHAT_MODEL }],
    });
    expect((await admin('PATCH', '/endpoints/history/served-entities/ghost', { model: 'x' })).status).toBe(404);
  });
});

describe('rate limits', () => {
  it("enforces a key's calls per period exactly, naming the limit, and leaves other keys alone", async () => {
    await createEndpoint('rl-key', { body: { rate_limits: [{ key: 'api_key', calls: 3, renewal_period: 'minute' }] } });
    const a = await createKey();
    const b = await createKey();
    for (let i = 0; i < 3; i++) expect((await chat(a.key, 'rl-key')).status).toBe(200);
    const refused = await chat(a.key, 'rl-key');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as Json).error).toMatchObject({
      code: 'rate_limit_exceeded',
      message: expect.stringContaining("3 calls per minute for this API key on endpoint 'rl-key'"),
    });
    expect((await chat(b.key, 'rl-key')).status).toBe(200);
  });

  it("enforces an endpoint's limit across all keys", async () => {
    await createEndpoint('rl-all', { body: { rate_limits: [{ key: 'endpoint', calls: 2, renewal_period: 'hour' }] } });
    const a = await createKey();
    const b = await createKey();
    expect((await chat(a.key, 'rl-all')).status).toBe(200);
    expect((await chat(b.key, 'rl-all')).status).toBe(200);
    const refused = await chat(a.key, 'rl-all');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as Json).error.message).toContain(
      "2 calls per hour for all keys of endpoint 'rl-all'",
    );
  });

  it('a request refused for concurrency costs no rate quota', async () => {
    await createEndpoint('rl-conc', {
      mode: 'slow/30',
      body: { rate_limits: [{ key: 'api_key', calls: 2, renewal_period: 'day' }] },
    });
    const { key } = await createKey({ concurrency_limit: 1 });
    const first = await chat(key, 'rl-conc', { stream: true });
    const busy = await chat(key, 'rl-conc');
    expect(busy.status).toBe(429);
    expect(((await busy.json()) as Json).error.message).toBe(CONCURRENCY_MESSAGE);
    await first.text();
    await eventually(async () => expect((await chat(key, 'rl-conc')).status).toBe(200));
    const third = await chat(key, 'rl-conc');
    expect(((await third.json()) as Json).error.code).toBe('rate_limit_exceeded');
  });
});

describe('key expiry', () => {
  it('refuses an expiry in the past and stops a key once it expires', async () => {
    await createEndpoint('expiring');
    expect((await admin('POST', '/keys', { expires_at: '2020-01-01T00:00:00Z' })).status).toBe(400);
    const soon = new Date(Date.now() + 400).toISOString();
    const created = (await (await admin('POST', '/keys', { expires_at: soon })).json()) as Json;
    expect(created.expires_at).toBe(soon);
    expect((await chat(created.key, 'expiring')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const expired = await chat(created.key, 'expiring');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as Json).error.message).toBe('API key has expired');
  });

  it('tells the holder of an expired platform key so on the admin API and /metrics, not that the token is invalid', async () => {
    const soon = new Date(Date.now() + 400).toISOString();
    const created = (await (
      await admin('POST', '/keys', { kind: 'platform', role: 'member', expires_at: soon })
    ).json()) as Json;
    expect((await call('/admin/v1/me', { token: created.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    for (const path of ['/admin/v1/me', '/metrics']) {
      await expectAdminError(await call(path, { token: created.key }), 401, {
        code: 'expired_api_key',
        message: 'API key has expired',
      });
    }
  });
});

describe('tenants and roles', () => {
  async function platformKey(tenant: string, role: string, by = ADMIN_TOKEN): Promise<string> {
    const res = await as(by)('POST', '/keys', { kind: 'platform', role, tenant });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as Json).key;
  }

  it('keeps tenants apart and enforces every role, including the negative cases', async () => {
    for (const name of ['acme', 'globex']) expect((await admin('POST', '/tenants', { name })).status).toBe(201);
    const acmeAdmin = as(await platformKey('acme', 'tenant_admin'));
    const globexAdmin = as(await platformKey('globex', 'tenant_admin'));
    const acmeOwnerKey = await platformKey('acme', 'owner');
    const acmeOwner = as(acmeOwnerKey);
    const acmeMember = as(await platformKey('acme', 'member'));

    // Tenant admins create in their own tenant only.
    expect((await acmeAdmin('POST', '/endpoints', { name: 'acme-chat', served_entities: [entity()] })).status).toBe(
      201,
    );
    expect(
      (await acmeAdmin('POST', '/endpoints', { name: 'x', tenant: 'globex', served_entities: [entity()] })).status,
    ).toBe(403);
    expect((await globexAdmin('POST', '/endpoints', { name: 'globex-chat', served_entities: [entity()] })).status).toBe(
      201,
    );

    // Another tenant's endpoint does not exist for you.
    expect((await globexAdmin('GET', '/endpoints/acme-chat')).status).toBe(404);
    expect((await globexAdmin('PATCH', '/endpoints/acme-chat', { description: 'mine now' })).status).toBe(404);
    expect((await globexAdmin('POST', '/endpoints/acme-chat/stop')).status).toBe(404);
    expect((await globexAdmin('DELETE', '/endpoints/acme-chat')).status).toBe(404);
    const globexList = (await (await globexAdmin('GET', '/endpoints')).json()) as Json;
    expect(globexList.data.map((e: Json) => e.name)).toEqual(['globex-chat']);
    expect((await globexAdmin('POST', '/keys', { endpoints: ['acme-chat'] })).status).toBe(400);

    // ... and neither do its keys.
    const globexKey = (await (await globexAdmin('POST', '/keys', { endpoints: ['globex-chat'] })).json()) as Json;
    expect((await acmeAdmin('GET', `/keys/${globexKey.id}`)).status).toBe(404);
    expect((await acmeAdmin('POST', `/keys/${globexKey.id}/revoke`)).status).toBe(404);
    expect(
      ((await (await acmeAdmin('GET', '/keys')).json()) as Json).data.every((k: Json) => k.tenant === 'acme'),
    ).toBe(true);

    // Owners manage their own endpoints; members look.
    expect((await acmeOwner('POST', '/endpoints', { name: 'owned', served_entities: [entity()] })).status).toBe(201);
    expect((await acmeOwner('PATCH', '/endpoints/owned', { description: 'ok' })).status).toBe(200);
    expect((await acmeOwner('PATCH', '/endpoints/acme-chat', { description: 'no' })).status).toBe(403);
    expect((await acmeOwner('POST', '/keys', { endpoints: ['acme-chat'] })).status).toBe(403);
    expect((await acmeOwner('POST', '/keys', { endpoints: ['owned'] })).status).toBe(201);
    expect((await acmeMember('GET', '/endpoints/owned')).status).toBe(200);
    expect((await acmeMember('PATCH', '/endpoints/owned', { description: 'no' })).status).toBe(403);
    expect((await acmeMember('POST', '/endpoints', { name: 'm', served_entities: [entity()] })).status).toBe(403);
    expect((await acmeMember('POST', '/keys', {})).status).toBe(400);
    const memberKey = (await (await acmeMember('POST', '/keys', { endpoints: ['acme-chat'] })).json()) as Json;
    expect((await chat(memberKey.key, 'acme-chat')).status).toBe(200);
    expect((await acmeOwner('GET', `/keys/${memberKey.id}`)).status).toBe(404);
    expect((await acmeMember('GET', '/audit')).status).toBe(403);

    // Roles are never granted above one's own.
    expect((await acmeAdmin('POST', '/keys', { kind: 'platform', role: 'org_admin' })).status).toBe(403);
    expect((await acmeOwner('POST', '/keys', { kind: 'platform', role: 'member' })).status).toBe(403);
    expect((await acmeAdmin('POST', '/tenants', { name: 'mine' })).status).toBe(403);
    expect(((await (await acmeAdmin('GET', '/tenants')).json()) as Json).data.map((t: Json) => t.id)).toEqual(['acme']);
    expect((await acmeAdmin('GET', '/tenants/acme')).status).toBe(200);
    expect((await acmeAdmin('GET', '/tenants/globex')).status).toBe(404);
    expect((await admin('POST', '/tenants', { name: 'acme' })).status).toBe(409);

    // Keys stay on their side of the API.
    expect((await as(memberKey.key)('GET', '/endpoints')).status).toBe(403);
    expect((await chat(acmeOwnerKey, 'owned')).status).toBe(403);

    // Inference: another tenant's endpoint does not exist for your keys, until it is shared.
    const acmeKey = (await (await acmeAdmin('POST', '/keys', {})).json()) as Json;
    expect((await chat(acmeKey.key, 'globex-chat')).status).toBe(404);
    expect((await chat(globexKey.key, 'acme-chat')).status).toBe(404);
    expect((await acmeAdmin('POST', '/endpoints/acme-chat/shares', { tenant: 'globex' })).status).toBe(200);
    expect((await globexAdmin('GET', '/endpoints/acme-chat')).status).toBe(200);
    expect((await globexAdmin('PATCH', '/endpoints/acme-chat', { description: 'still no' })).status).toBe(403);
    const globexAll = (await (await globexAdmin('POST', '/keys', {})).json()) as Json;
    expect((await chat(globexAll.key, 'acme-chat')).status).toBe(200);
    const models = (await (await call('/v1/models', { token: globexAll.key })).json()) as Json;
    expect(models.data.map((m: Json) => m.id).sort()).toEqual(['acme-chat', 'globex-chat']);
    await acmeAdmin('DELETE', '/endpoints/acme-chat/shares/globex');
    // This isolate's endpoint cache was dropped by the unshare.
    expect((await chat(globexAll.key, 'acme-chat')).status).toBe(404);

    // The audit log: tenant admins read their own tenant's records, with who did what.
    const audit = (await (await acmeAdmin('GET', '/audit?limit=200')).json()) as Json;
    expect(audit.data.every((r: Json) => r.tenant_id === 'acme')).toBe(true);
    const actions = audit.data.map((r: Json) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'endpoint.create',
        'endpoint.update',
        'endpoint.share',
        'endpoint.unshare',
        'key.create',
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain(memberKey.key);
    const all = (await (await admin('GET', '/audit?limit=500')).json()) as Json;
    expect(all.data.some((r: Json) => r.tenant_id === 'globex')).toBe(true);
    expect(all.data.find((r: Json) => r.action === 'tenant.create' && r.target_id === 'acme')).toMatchObject({
      actor: 'admin',
      actor_role: 'org_admin',
    });
  });
});
