import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CHAT_MODEL, admin, call, eventually, originUrl } from './helpers/router';
import { expectAdminError, expectError } from './helpers/expect-error';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const as = (token: string) => (method: string, path: string, json?: unknown) =>
  call(`/admin/v1${path}`, { method, token, json });
const hello = [{ role: 'user', content: 'hello' }];
const chat = (token: string, model: string) =>
  call('/v1/chat/completions', { method: 'POST', token, json: { model, messages: hello } });
const entity = (url = originUrl(), name = 'main') => ({
  name,
  protocol: 'openai',
  model: CHAT_MODEL,
  origins: [{ url }],
});

async function tenant(name: string): Promise<void> {
  const res = await admin('POST', '/tenants', { name });
  expect(res.status, await res.clone().text()).toBe(201);
}

async function platformKey(
  tenantId: string | undefined,
  role: string,
  by = ADMIN_TOKEN,
): Promise<{ id: string; key: string }> {
  const res = await as(by)('POST', '/keys', { kind: 'platform', role, ...(tenantId ? { tenant: tenantId } : {}) });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

describe('org-wide keys', () => {
  it('are beyond the reach of every tenant principal, even in the tenant they were filed under', async () => {
    // An org admin key made without a tenant is filed under `default`.
    const org = await platformKey(undefined, 'org_admin');
    expect(((await (await admin('GET', `/keys/${org.id}`)).json()) as Json).tenant).toBe('default');
    const defaultAdmin = as((await platformKey('default', 'tenant_admin')).key);
    const peer = await platformKey('default', 'tenant_admin');

    for (const [method, path, body] of [
      ['GET', `/keys/${org.id}`],
      ['GET', `/keys/${org.id}/usage`],
      ['PATCH', `/keys/${org.id}`, { description: 'renamed by a tenant admin' }],
      ['POST', `/keys/${org.id}/revoke`],
    ] as const) {
      await expectError(await defaultAdmin(method, path, body), 404, { code: 'key_not_found' });
    }
    const listed = (await (await defaultAdmin('GET', '/keys?limit=200')).json()) as Json;
    expect(listed.data.map((k: Json) => k.id)).not.toContain(org.id);
    // Its own rank is still in reach.
    expect(listed.data.map((k: Json) => k.id)).toContain(peer.id);
    // The org key still works and is unchanged.
    const still = (await (await as(org.key)('GET', `/keys/${org.id}`)).json()) as Json;
    expect(still).toMatchObject({ status: 'active', description: '' });
  });

  it('keep their audit records out of the tenant they were filed under: org admins read them', async () => {
    const org = await platformKey(undefined, 'org_admin');
    const defaultAdmin = as((await platformKey('default', 'tenant_admin')).key);
    expect((await admin('PATCH', `/keys/${org.id}`, { description: 'renamed' })).status).toBe(200);
    expect((await admin('POST', `/keys/${org.id}/revoke`)).status).toBe(200);
    const theirs = (await (await defaultAdmin('GET', `/audit?target=${org.id}`)).json()) as Json;
    expect(theirs.data).toEqual([]);
    const wide = (await (await defaultAdmin('GET', '/audit?limit=200')).json()) as Json;
    expect(JSON.stringify(wide)).not.toContain(org.id);
    const all = (await (await admin('GET', `/audit?target=${org.id}`)).json()) as Json;
    expect(all.data.map((r: Json) => [r.action, r.tenant_id])).toEqual([
      ['key.revoke', null],
      ['key.edit', null],
      ['key.create', null],
    ]);
    // Its own keys' records stay in the tenant's log.
    const peer = await platformKey('default', 'member');
    const mine = (await (await defaultAdmin('GET', `/audit?target=${peer.id}`)).json()) as Json;
    expect(mine.data.map((r: Json) => [r.action, r.tenant_id])).toEqual([['key.create', 'default']]);
  });

  it('hides platform keys ranked above the caller, even ones it could otherwise see', async () => {
    const owner = await platformKey('default', 'owner');
    // A row as if an owner had come to hold a tenant admin key it created (roles change; rank still counts).
    const higher = await platformKey('default', 'tenant_admin');
    await env.DB.prepare('UPDATE api_keys SET created_by = ? WHERE id = ?').bind(owner.id, higher.id).run();
    await expectError(await as(owner.key)('GET', `/keys/${higher.id}`), 404, { code: 'key_not_found' });
    const listed = (await (await as(owner.key)('GET', '/keys')).json()) as Json;
    expect(listed.data.map((k: Json) => k.id)).not.toContain(higher.id);
  });
});

describe('sharing', () => {
  it('shows a shared tenant the name, URLs and defaults only; never origins, shares, owner or history', async () => {
    await tenant('s-acme');
    await tenant('s-globex');
    await tenant('s-initech');
    const acme = as((await platformKey('s-acme', 'tenant_admin')).key);
    const globexMember = as((await platformKey('s-globex', 'member')).key);
    const globexAdmin = as((await platformKey('s-globex', 'tenant_admin')).key);
    const created = await acme('POST', '/endpoints', {
      name: 's-chat',
      served_entities: [entity(originUrl(), 'secret-entity')],
      defaults: { temperature: 0.3, system_prompt: 'You are terse.' },
      tags: [{ key: 'cost-center', value: 'acme-42' }],
    });
    expect(created.status).toBe(201);
    for (const t of ['s-globex', 's-initech'])
      expect((await acme('POST', '/endpoints/s-chat/shares', { tenant: t })).status).toBe(200);

    for (const reader of [globexMember, globexAdmin]) {
      const view = (await (await reader('GET', '/endpoints/s-chat')).json()) as Json;
      expect(view).toMatchObject({
        access: 'shared',
        name: 's-chat',
        state: 'ready',
        defaults: { temperature: 0.3, system_prompt: 'You are terse.' },
        urls: { openai: 'http://router.test/endpoints/s-chat/v1', tgi: 'http://router.test/endpoints/s-chat' },
      });
      for (const hidden of [
        'served_entities',
        'shared_with',
        'owner',
        'tenant',
        'traffic',
        'tags',
        'origin_health',
        'config_version',
      ]) {
        expect(view, hidden).not.toHaveProperty(hidden);
      }
      const text = JSON.stringify(view);
      for (const secret of ['s-initech', 'secret-entity', originUrl(), 'acme-42']) expect(text).not.toContain(secret);
      await expectError(await reader('GET', '/endpoints/s-chat/versions'), 404, { code: 'endpoint_not_found' });
      const list = (await (await reader('GET', '/endpoints')).json()) as Json;
      const listed = list.data.find((e: Json) => e.name === 's-chat');
      expect(listed.access).toBe('shared');
      expect(JSON.stringify(listed)).not.toContain('s-initech');
    }
    // Its own tenant sees everything, and calls it the tenant view.
    const own = (await (await acme('GET', '/endpoints/s-chat')).json()) as Json;
    expect(own).toMatchObject({
      access: 'tenant',
      shared_with: ['s-globex', 's-initech'],
      served_entities: [{ name: 'secret-entity' }],
    });
    expect((await acme('GET', '/endpoints/s-chat/versions')).status).toBe(200);
  });

  it('answers a share the same whether or not the tenant exists, and a tenant created later inherits nothing', async () => {
    await tenant('q-acme');
    await tenant('q-real');
    const acme = as((await platformKey('q-acme', 'tenant_admin')).key);
    expect((await acme('POST', '/endpoints', { name: 'q-chat', served_entities: [entity()] })).status).toBe(201);
    const real = await acme('POST', '/endpoints/q-chat/shares', { tenant: 'q-real' });
    const ghost = await acme('POST', '/endpoints/q-chat/shares', { tenant: 'q-ghost' });
    expect(real.status).toBe(200);
    expect(ghost.status).toBe(200);
    expect(((await ghost.json()) as Json).shared_with).toEqual(['q-ghost', 'q-real']);
    // Malformed names are a plain validation error, whatever exists.
    await expectAdminError(await acme('POST', '/endpoints/q-chat/shares', { tenant: 'no spaces' }), 400, {
      param: 'tenant',
    });

    // A tenant created under the shared name does not get the endpoint.
    await tenant('q-ghost');
    const ghostKey = (await (await admin('POST', '/keys', { tenant: 'q-ghost' })).json()) as Json;
    await expectError(await chat(ghostKey.key, 'q-chat'), 404, { code: 'model_not_found' });
    expect(((await (await acme('GET', '/endpoints/q-chat')).json()) as Json).shared_with).toEqual(['q-real']);
  });

  it('refuses a taken name without saying whose it is', async () => {
    await tenant('n-acme');
    await tenant('n-globex');
    const acme = as((await platformKey('n-acme', 'tenant_admin')).key);
    const globex = as((await platformKey('n-globex', 'tenant_admin')).key);
    expect((await acme('POST', '/endpoints', { name: 'n-chat', served_entities: [entity()] })).status).toBe(201);
    const theirs = await expectError(
      await globex('POST', '/endpoints', { name: 'n-chat', served_entities: [entity()] }),
      409,
      {
        code: 'endpoint_name_taken',
        param: 'name',
      },
    );
    const mine = await expectError(
      await acme('POST', '/endpoints', { name: 'n-chat', served_entities: [entity()] }),
      409,
      { code: 'endpoint_name_taken' },
    );
    expect(theirs.error.message).toBe(mine.error.message);
    expect(theirs.error.message).not.toMatch(/n-acme|exists/);
    // Everything else about it stays a 404 for the other tenant.
    await expectError(await globex('GET', '/endpoints/n-chat'), 404, { code: 'endpoint_not_found' });
  });
});

describe('credentials in origin URLs', () => {
  it('are redacted in every read, and a redacted URL sent back keeps the stored one', async () => {
    const secretUrl = 'http://router-user:s3cr3t-pw@127.0.0.1:9/v?token=tok-123&region=x';
    const res = await admin('POST', '/endpoints', {
      name: 'cred',
      served_entities: [entity(originUrl(), 'live'), entity(secretUrl, 'spare')],
      traffic: [
        { served_entity: 'live', percentage: 100 },
        { served_entity: 'spare', percentage: 0 },
      ],
    });
    expect(res.status).toBe(201);
    const reads = [
      await res.text(),
      await (await admin('GET', '/endpoints/cred')).text(),
      await (await admin('GET', '/endpoints')).text(),
      await (await admin('GET', '/endpoints/cred/versions')).text(),
    ];
    for (const text of reads) {
      expect(text).not.toContain('s3cr3t-pw');
      expect(text).not.toContain('router-user');
      expect(text).not.toContain('tok-123');
    }
    const info = JSON.parse(reads[1]!) as Json;
    const shown = info.served_entities[1].origins[0].url as string;
    expect(shown).toBe('http://***@127.0.0.1:9/v?token=***&region=***');

    // The CLI's update sends back what it read: the stored credentials survive.
    const round = await admin('PATCH', '/endpoints/cred', {
      served_entities: info.served_entities,
      traffic: info.traffic,
    });
    expect([200, 202]).toContain(round.status);
    const stored = await env.DB.prepare(
      "SELECT config FROM endpoint_configs WHERE endpoint = 'cred' ORDER BY version DESC LIMIT 1",
    ).first<string>('config');
    expect(stored).toContain('router-user:s3cr3t-pw@');
    expect(stored).toContain('token=tok-123');
    // A mask that matches nothing stored is not a credential.
    const forged = await admin('PATCH', '/endpoints/cred', {
      served_entities: [entity('http://***@10.0.0.1:8000', 'x')],
    });
    await expectAdminError(forged, 400, { param: 'served_entities' });

    // A rollout that fails quotes the URL in its reason: redacted too.
    const bad = await admin('PATCH', '/endpoints/cred', {
      served_entities: [entity('http://u:hunter2@127.0.0.1:9', 'only')],
    });
    expect(bad.status).toBe(202);
    const failed = await eventually(async () => {
      const e = (await (await admin('GET', '/endpoints/cred')).json()) as Json;
      expect(e.config_update).toBe('failed');
      return e;
    }, 15_000);
    expect(failed.config_update_error).toContain('127.0.0.1:9');
    expect(JSON.stringify(failed)).not.toContain('hunter2');
  }, 20_000);
});

describe('credentials in a failed rollout’s reason', () => {
  it('never show a query-string token: not in the stored error, not in any read', async () => {
    expect((await admin('POST', '/endpoints', { name: 'cred-query', served_entities: [entity()] })).status).toBe(201);
    // Nothing listens on port 9: every probe fails, and the rollout's reason quotes the URL.
    const bad = await admin('PATCH', '/endpoints/cred-query', {
      served_entities: [entity('http://127.0.0.1:9/v1?token=tok-query-123&region=eu', 'only')],
    });
    expect(bad.status).toBe(202);
    const failed = await eventually(async () => {
      const e = (await (await admin('GET', '/endpoints/cred-query')).json()) as Json;
      expect(e.config_update).toBe('failed');
      return e;
    }, 15_000);
    expect(failed.config_update_error).toContain('http://127.0.0.1:9/v1?token=***&region=***');
    const reads = [
      JSON.stringify(failed),
      await (await admin('GET', '/endpoints?limit=200')).text(),
      await (await admin('GET', '/endpoints/cred-query/versions')).text(),
    ];
    for (const text of reads) expect(text).not.toContain('tok-query-123');
    // Redacted where it is written: the row itself holds no token either.
    const stored = await env.DB.prepare(
      "SELECT config_update_error FROM endpoints WHERE name = 'cred-query'",
    ).first<string>('config_update_error');
    expect(stored).toContain('token=***');
    expect(stored).not.toContain('tok-query-123');
  }, 20_000);
});

describe('an endpoint name taken again', () => {
  it('is out of reach of the rollout its deleted namesake left running', async () => {
    await tenant('r-acme');
    await tenant('r-globex');
    const acme = as((await platformKey('r-acme', 'tenant_admin')).key);
    const globex = as((await platformKey('r-globex', 'tenant_admin')).key);
    expect((await acme('POST', '/endpoints', { name: 'r-chat', served_entities: [entity()] })).status).toBe(201);
    // Nothing listens on port 9: acme's version 2 is retried in the background for a few seconds, then fails.
    const stale = await acme('PATCH', '/endpoints/r-chat', {
      served_entities: [entity('http://127.0.0.1:9/acme-only', 'a')],
    });
    expect(stale.status).toBe(202);
    expect((await acme('DELETE', '/endpoints/r-chat')).status).toBe(200);

    // globex takes the name, and its own version 2 is pending while acme's rollout is still retrying.
    expect((await globex('POST', '/endpoints', { name: 'r-chat', served_entities: [entity()] })).status).toBe(201);
    const mine = await globex('PATCH', '/endpoints/r-chat', {
      served_entities: [entity('http://127.0.0.1:9/globex-only', 'g')],
    });
    expect(mine.status).toBe(202);
    const failed = await eventually(async () => {
      const e = (await (await globex('GET', '/endpoints/r-chat')).json()) as Json;
      expect(e.config_update).toBe('failed');
      return e;
    }, 15_000);
    // The failure is globex's own: acme's stale rollout wrote nothing into it (nor its origin URL).
    expect(failed.config_update_error).toContain('/globex-only');
    expect(JSON.stringify(failed)).not.toContain('acme-only');
  }, 20_000);
});
