import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-material';
import { admin, createEndpoint, createKey } from './helpers/router';

describe('admin API: keys', () => {
  it('shows the plaintext once and stores only its SHA-256', async () => {
    const res = await admin('POST', '/keys', { description: 'ci bot', concurrency_limit: 3 });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, unknown> & { id: string; key: string };
    expect(created).toMatchObject({ description: 'ci bot', endpoints: null, concurrency_limit: 3, status: 'active' });
    expect(created.key).toMatch(/^sk-rt-[A-Za-z0-9_-]{43}$/);

    const row = await env.DB.prepare('SELECT * FROM api_keys WHERE id = ?')
      .bind(created.id)
      .first<Record<string, unknown>>();
    expect(row!.hash).toBe(await hashKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);

    const info = await (await admin('GET', `/keys/${created.id}`)).text();
    const list = await (await admin('GET', '/keys')).text();
    for (const text of [info, list]) {
      expect(text).not.toContain(created.key);
      expect(text).not.toContain(row!.hash as string);
    }
    expect(JSON.parse(info)).toMatchObject({ id: created.id, prefix: created.key.slice(0, 12), in_flight: 0 });
  });

  it('uses the configured default concurrency limit', async () => {
    const created = await createKey();
    expect(await (await admin('GET', `/keys/${created.id}`)).json()).toMatchObject({
      concurrency_limit: Number(env.DEFAULT_CONCURRENCY_LIMIT),
    });
  });

  it('scopes keys to existing endpoints only', async () => {
    await createEndpoint('scoped-target');
    const ok = await admin('POST', '/keys', { endpoints: ['scoped-target'] });
    expect(await ok.json()).toMatchObject({ endpoints: ['scoped-target'] });
    const bad = await admin('POST', '/keys', { endpoints: ['scoped-target', 'ghost'] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { param: 'endpoints', message: 'Unknown endpoint(s): ghost' } });
  });

  it('validates the create body', async () => {
    for (const body of [{ concurrency_limit: 0 }, { concurrency_limit: 1.5 }, { endpoints: 'x' }, { hash: 'x' }]) {
      expect((await admin('POST', '/keys', body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('edits the description only', async () => {
    const { id } = await createKey({ description: 'old' });
    const res = await admin('PATCH', `/keys/${id}`, { description: 'new' });
    expect(await res.json()).toMatchObject({ id, description: 'new', status: 'active' });
    expect((await admin('PATCH', `/keys/${id}`, { status: 'revoked' })).status).toBe(400);
  });

  it('revokes for good', async () => {
    const { id } = await createKey();
    const res = await admin('POST', `/keys/${id}/revoke`);
    const revoked = (await res.json()) as { status: string; revoked_at: string };
    expect(revoked.status).toBe('revoked');
    expect(revoked.revoked_at).toBeTruthy();
    const again = (await (await admin('POST', `/keys/${id}/revoke`)).json()) as { status: string; revoked_at: string };
    expect(again).toMatchObject({ status: 'revoked', revoked_at: revoked.revoked_at });
    expect((await admin('PATCH', `/keys/${id}`, { description: 'x' })).status).toBe(200);
    expect(await (await admin('GET', `/keys/${id}`)).json()).toMatchObject({ status: 'revoked' });
  });

  it('a revoke repeated, or lost to a concurrent one, leaves one audit record: the repeats changed nothing', async () => {
    const { id } = await createKey();
    const revokes = await Promise.all(Array.from({ length: 3 }, () => admin('POST', `/keys/${id}/revoke`)));
    expect(revokes.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await admin('POST', `/keys/${id}/revoke`)).status).toBe(200);
    const audit = (await (await admin('GET', `/audit?target=${id}`)).json()) as { data: Array<{ action: string }> };
    expect(audit.data.filter((r) => r.action === 'key.revoke')).toHaveLength(1);
  });

  it('404s unknown keys', async () => {
    expect((await admin('GET', '/keys/key_nope')).status).toBe(404);
    expect((await admin('POST', '/keys/key_nope/revoke')).status).toBe(404);
  });
});
