import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { PROBE_PARALLELISM, probeOrigins } from '../../src/origins/probe';
import { ADMIN_TOKEN, CHAT_MODEL, admin, call, originStats, originUrl } from './helpers/router';
import { expectAdminError, expectError } from './helpers/expect-error';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const as = (token: string) => (method: string, path: string, json?: unknown) =>
  call(`/admin/v1${path}`, { method, token, json });
const entity = (url = originUrl(), name = 'main') => ({
  name,
  protocol: 'openai',
  model: CHAT_MODEL,
  origins: [{ url }],
});

async function tenant(name: string): Promise<void> {
  expect((await admin('POST', '/tenants', { name })).status).toBe(201);
}

async function platformKey(tenantId: string, role: string, by = ADMIN_TOKEN): Promise<string> {
  const res = await as(by)('POST', '/keys', { kind: 'platform', role, tenant: tenantId });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as Json).key;
}

/** Endpoint rows written straight to D1 (fast, and free to be anything a reader must never touch). */
async function seedEndpoints(
  tenantId: string,
  names: string[],
  config: string,
  state: 'ready' | 'stopped' = 'stopped',
): Promise<void> {
  const at = new Date().toISOString();
  for (let i = 0; i < names.length; i += 50) {
    await env.DB.batch(
      names
        .slice(i, i + 50)
        .flatMap((name) => [
          env.DB.prepare(
            "INSERT INTO endpoints (id, name, description, state, config_version, created_at, updated_at, tenant_id, owner) VALUES (?, ?, '', ?, 1, ?, ?, ?, 'admin')",
          ).bind(crypto.randomUUID(), name, state, at, at, tenantId),
          env.DB.prepare(
            'INSERT INTO endpoint_configs (endpoint, version, config, created_at) VALUES (?, 1, ?, ?)',
          ).bind(name, config, at),
        ]),
    );
  }
}

async function pages(
  read: (query: string) => Promise<Response>,
  limit: number,
): Promise<{ items: Json[]; pages: number }> {
  const items: Json[] = [];
  let cursor: string | null = null;
  let count = 0;
  do {
    const res = await read(`?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Json;
    expect(page.data.length).toBeLessThanOrEqual(limit);
    expect(page.has_more).toBe(page.next_cursor !== null);
    items.push(...page.data);
    cursor = page.next_cursor;
    count++;
  } while (cursor !== null && count < 100);
  return { items, pages: count };
}

describe('tenant-scoped reads', () => {
  it("never read another tenant's endpoints: listings, /v1/models and key scopes work beside rows they must not touch", async () => {
    await tenant('big');
    await tenant('small');
    // Another tenant's rows that any read of them would choke on (their config is not even JSON).
    await seedEndpoints(
      'big',
      Array.from({ length: 30 }, (_, i) => `big-${i}`),
      '{ not json',
    );
    const small = as(await platformKey('small', 'tenant_admin'));
    expect((await small('POST', '/endpoints', { name: 'small-chat', served_entities: [entity()] })).status).toBe(201);

    const list = await small('GET', '/endpoints');
    expect(list.status).toBe(200);
    expect(((await list.json()) as Json).data.map((e: Json) => e.name)).toEqual(['small-chat']);
    const created = await small('POST', '/keys', { endpoints: ['small-chat'] });
    expect(created.status).toBe(201);
    const key = ((await created.json()) as Json).key as string;
    const models = await call('/v1/models', { token: key });
    expect(models.status).toBe(200);
    expect(((await models.json()) as Json).data.map((m: Json) => m.id)).toEqual(['small-chat']);
    const unscoped = ((await (await small('POST', '/keys', {})).json()) as Json).key as string;
    expect(
      ((await (await call('/v1/models', { token: unscoped })).json()) as Json).data.map((m: Json) => m.id),
    ).toEqual(['small-chat']);
    await expectError(await small('POST', '/keys', { endpoints: ['big-3'] }), 400, { code: 'endpoint_not_found' });
    // (Org-wide readers would choke on them: they go before the next test.)
    await env.DB.batch([
      env.DB.prepare("DELETE FROM endpoint_configs WHERE endpoint LIKE 'big-%'"),
      env.DB.prepare("DELETE FROM endpoints WHERE name LIKE 'big-%'"),
    ]);
  });
});

describe('pagination', () => {
  it('pages endpoints, keys and tenants with limit and cursor, each item once, within the cap', async () => {
    await tenant('pager');
    const pager = as(await platformKey('pager', 'tenant_admin'));
    for (let i = 0; i < 7; i++)
      expect((await pager('POST', '/endpoints', { name: `pg-${i}`, served_entities: [entity()] })).status).toBe(201);
    const endpoints = await pages((q) => pager('GET', `/endpoints${q}`), 3);
    expect(endpoints.items.map((e) => e.name)).toEqual(['pg-0', 'pg-1', 'pg-2', 'pg-3', 'pg-4', 'pg-5', 'pg-6']);
    expect(endpoints.pages).toBe(3);

    for (let i = 0; i < 4; i++) expect((await pager('POST', '/keys', { description: `k${i}` })).status).toBe(201);
    const keys = await pages((q) => pager('GET', `/keys${q}`), 2);
    // 7 First Keys and 4 more (the caller's own platform key was made by the org admin: it is a tenant admin's peer, shown too).
    expect(new Set(keys.items.map((k) => k.id)).size).toBe(keys.items.length);
    expect(keys.items.filter((k) => k.first_key).length).toBe(7);
    expect(keys.items.filter((k) => /^k\d$/.test(k.description)).map((k) => k.description)).toEqual([
      'k0',
      'k1',
      'k2',
      'k3',
    ]);

    const tenants = await pages((q) => admin('GET', `/tenants${q}`), 1);
    expect(tenants.items.map((t) => t.id)).toEqual(expect.arrayContaining(['default', 'pager']));

    const first = (await (await pager('GET', '/endpoints')).json()) as Json;
    expect(first).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    await expectAdminError(await pager('GET', '/endpoints?limit=201'), 400, { param: 'limit' });
    await expectAdminError(await pager('GET', '/keys?limit=0'), 400, { param: 'limit' });
    await expectAdminError(await pager('GET', '/endpoints?cursor=not-ours'), 400, {
      param: 'cursor',
      code: 'invalid_cursor',
    });
    await expectAdminError(await pager('GET', '/keys?cursor=bm90LW91cnM'), 400, {
      param: 'cursor',
      code: 'invalid_cursor',
    });
  });
});

describe('tenant quotas', () => {
  it('caps endpoints per tenant, exactly, and leaves other tenants alone', async () => {
    await tenant('quota-e');
    const max = Number(env.TENANT_MAX_ENDPOINTS);
    await seedEndpoints(
      'quota-e',
      Array.from({ length: max - 1 }, (_, i) => `qe-${i}`),
      JSON.stringify({ served_entities: [], traffic: [], defaults: {}, rate_limits: [], tags: [], timeouts: {} }),
    );
    const qe = as(await platformKey('quota-e', 'tenant_admin'));
    expect((await qe('POST', '/endpoints', { name: 'qe-last', served_entities: [entity()] })).status).toBe(201);
    await expectError(await qe('POST', '/endpoints', { name: 'qe-over', served_entities: [entity()] }), 403, {
      code: 'quota_exceeded',
      message: expect.stringContaining(`quota of ${max} endpoints`),
    });
    expect((await admin('POST', '/endpoints', { name: 'qe-elsewhere', served_entities: [entity()] })).status).toBe(201);
  });

  it('caps served entities and origins over a tenant’s endpoints, on create and on update', async () => {
    await tenant('quota-o');
    const maxOrigins = Number(env.TENANT_MAX_ORIGINS);
    const maxEntities = Number(env.TENANT_MAX_SERVED_ENTITIES);
    const origins = Array.from({ length: maxOrigins - 2 }, (_, i) => ({
      url: `http://10.0.${Math.floor(i / 250)}.${i % 250}:8000`,
    }));
    const big = {
      served_entities: [{ name: 'e', protocol: 'openai', model: CHAT_MODEL, origins }],
      traffic: [],
      defaults: {},
      rate_limits: [],
      tags: [],
      timeouts: {},
    };
    await seedEndpoints('quota-o', ['qo-big'], JSON.stringify(big));
    const qo = as(await platformKey('quota-o', 'tenant_admin'));
    const two = {
      name: 'two',
      protocol: 'openai',
      model: CHAT_MODEL,
      origins: [{ url: originUrl() }, { url: originUrl() + '/' }],
    };
    expect((await qo('POST', '/endpoints', { name: 'qo-a', served_entities: [two] })).status).toBe(201);
    await expectError(await qo('POST', '/endpoints', { name: 'qo-b', served_entities: [entity()] }), 403, {
      code: 'quota_exceeded',
      message: expect.stringContaining(`quota of ${maxOrigins} origins`),
    });
    // An update that grows past the quota is refused; one that stays within it (replacing its own origins) is not.
    const three = { ...two, origins: [...two.origins, { url: originUrl() + '//' }] };
    await expectError(await qo('PATCH', '/endpoints/qo-a', { served_entities: [three] }), 403, {
      code: 'quota_exceeded',
    });
    expect(
      (await qo('PATCH', '/endpoints/qo-a', { served_entities: [{ ...two, origins: [two.origins[0]] }] })).status,
    ).toBe(200);

    await tenant('quota-s');
    const entities = Array.from({ length: maxEntities }, (_, i) => ({
      name: `s${i}`,
      protocol: 'openai',
      model: CHAT_MODEL,
      origins: [],
    }));
    await seedEndpoints('quota-s', ['qs-big'], JSON.stringify({ ...big, served_entities: entities }));
    const qs = as(await platformKey('quota-s', 'tenant_admin'));
    await expectError(await qs('POST', '/endpoints', { name: 'qs-a', served_entities: [entity()] }), 403, {
      message: expect.stringContaining(`quota of ${maxEntities} served entities`),
    });
  });

  it('caps active keys per tenant; revoking one makes room', async () => {
    await tenant('quota-k');
    const max = Number(env.TENANT_MAX_KEYS);
    const at = new Date().toISOString();
    const rows = Array.from({ length: max - 2 }, (_, i) =>
      env.DB.prepare(
        "INSERT INTO api_keys (id, hash, prefix, description, endpoints, concurrency_limit, status, created_at, tenant_id, kind) VALUES (?, ?, 'sk-rt-x', '', NULL, 1, 'active', ?, 'quota-k', 'endpoint')",
      ).bind(`key_seed${i}`, `seedhash${i}`, at),
    );
    for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
    const admin_ = await platformKey('quota-k', 'tenant_admin'); // the quota's last but one
    const qk = as(admin_);
    const last = (await (await qk('POST', '/keys', {})).json()) as Json;
    expect(last.key).toMatch(/^sk-rt-/);
    await expectError(await qk('POST', '/keys', {}), 403, {
      code: 'quota_exceeded',
      message: expect.stringContaining(`quota of ${max} active keys`),
    });
    expect((await qk('POST', `/keys/${last.id}/revoke`)).status).toBe(200);
    expect((await qk('POST', '/keys', {})).status).toBe(201);
  });
});

describe('concurrency by role', () => {
  it('lets no member or owner give a key more concurrency than its role allows', async () => {
    await tenant('conc');
    const tenantAdmin = as(await platformKey('conc', 'tenant_admin'));
    expect((await tenantAdmin('POST', '/endpoints', { name: 'conc-chat', served_entities: [entity()] })).status).toBe(
      201,
    );
    const member = as(await platformKey('conc', 'member'));
    await expectError(await member('POST', '/keys', { endpoints: ['conc-chat'], concurrency_limit: 10_000 }), 403, {
      code: 'forbidden',
      // The field to lower: the console shows the message beside it.
      param: 'concurrency_limit',
      message: expect.stringContaining('at most 16 concurrent requests'),
    });
    expect((await member('POST', '/keys', { endpoints: ['conc-chat'], concurrency_limit: 16 })).status).toBe(201);
    const owner = as(await platformKey('conc', 'owner'));
    expect((await owner('POST', '/endpoints', { name: 'conc-own', served_entities: [entity()] })).status).toBe(201);
    await expectError(await owner('POST', '/keys', { endpoints: ['conc-own'], concurrency_limit: 65 }), 403, {
      code: 'forbidden',
    });
    expect((await tenantAdmin('POST', '/keys', { concurrency_limit: 1_000 })).status).toBe(201);
    await expectError(await tenantAdmin('POST', '/keys', { concurrency_limit: 1_001 }), 403, { code: 'forbidden' });
    expect((await admin('POST', '/keys', { concurrency_limit: 10_000 })).status).toBe(201);
  });
});

describe('cron probe', () => {
  it(`probes every origin with at most ${PROBE_PARALLELISM} probes in flight`, async () => {
    // Origins whose /health never answers: each probe holds its connection until the probe's timeout.
    const count = PROBE_PARALLELISM * 3;
    const urls = Array.from({ length: count }, (_, i) => originUrl(`stall/${7700 + i}`));
    for (const [i, url] of urls.entries())
      expect((await admin('POST', '/endpoints', { name: `probe-${i}`, served_entities: [entity(url)] })).status).toBe(
        201,
      );

    const mine = (r: { path: string }) => /\/mode\/stall\/77\d\d\/health$/.test(r.path);
    let most = 0;
    const running = probeOrigins(env.DB, 400);
    let done = false;
    void running.finally(() => (done = true));
    while (!done) {
      const { recent } = await originStats();
      most = Math.max(most, recent.filter((r) => mine(r) && (r as { outcome: string }).outcome === 'in_flight').length);
      await new Promise((r) => setTimeout(r, 40));
    }
    const results = await running;
    expect(results.filter((r) => urls.includes(r.url)).every((r) => !r.healthy)).toBe(true);
    expect(results.filter((r) => urls.includes(r.url)).length).toBe(count);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(PROBE_PARALLELISM);
  }, 20_000);
});
