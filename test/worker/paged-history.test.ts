import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { KeyStore } from '../../src/auth/key-store';
import type { KeyGate } from '../../src/gate/key-gate';
import { admin, createEndpoint, createKey } from './helpers/router';
import { expectAdminError, expectError } from './helpers/expect-error';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every page of a listing at `limit` per page, following `next_cursor`: the pages' `data`, in order. */
async function pages(path: string, limit: number): Promise<Json[][]> {
  const out: Json[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await admin('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, await res.clone().text()).toBe(200);
    const page = (await res.json()) as Json;
    expect(page.object).toBe('list');
    out.push(page.data);
    expect(page.has_more).toBe(page.next_cursor !== null);
    cursor = page.next_cursor;
    if (!cursor) return out;
  }
  throw new Error(`${path}: more than 20 pages`);
}

describe('config history', () => {
  it('comes a page at a time, oldest first, and a rollback reads the one version it names', async () => {
    await createEndpoint('paged-history', { body: { defaults: { temperature: 0.1 } } });
    for (const t of [0.2, 0.3, 0.4, 0.5]) {
      expect((await admin('PATCH', '/endpoints/paged-history', { defaults: { temperature: t } })).status).toBe(200);
    }
    const split = await pages('/endpoints/paged-history/versions', 2);
    expect(split.map((p) => p.map((v) => v.version))).toEqual([[1, 2], [3, 4], [5]]);
    expect(split.flat().map((v) => [v.config.defaults.temperature, v.serving])).toEqual([
      [0.1, false],
      [0.2, false],
      [0.3, false],
      [0.4, false],
      [0.5, true],
    ]);
    // Without `limit`: one page of up to 50, as before.
    const whole = (await (await admin('GET', '/endpoints/paged-history/versions')).json()) as Json;
    expect(whole).toMatchObject({ has_more: false, next_cursor: null });
    expect(whole.data).toHaveLength(5);
    await expectAdminError(await admin('GET', '/endpoints/paged-history/versions?cursor=nope'), 400, {
      param: 'cursor',
    });
    await expectAdminError(await admin('GET', '/endpoints/paged-history/versions?limit=0'), 400, { param: 'limit' });

    const back = await admin('POST', '/endpoints/paged-history/rollback', { version: 2 });
    expect(await back.json()).toMatchObject({ config_version: 6, defaults: { temperature: 0.2 } });
    await expectError(await admin('POST', '/endpoints/paged-history/rollback', { version: 7 }), 404, {
      code: 'version_not_found',
    });
  });
});

describe('key usage', () => {
  it('comes a page at a time, newest hour first, then by endpoint', async () => {
    const { id } = await createKey();
    const record = (await new KeyStore(env.DB).byId(id))!;
    const hours = ['2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z', '2026-01-02T09:00:00Z'];
    // Rows as the gate's ledger writes them (one per endpoint and hour), written into its own SQLite.
    await runInDurableObject(env.GATE.getByName(record.hash), (_gate: KeyGate, state) => {
      for (const hour of hours)
        for (const endpoint of ['u-b', 'u-a'])
          state.storage.sql.exec(
            'INSERT INTO usage (endpoint, hour, requests, completed) VALUES (?, ?, 1, 1)',
            endpoint,
            hour,
          );
    });
    const split = await pages(`/keys/${id}/usage`, 4);
    expect(split.map((p) => p.map((r) => `${r.hour} ${r.endpoint}`))).toEqual([
      ['2026-01-02T09:00:00Z u-a', '2026-01-02T09:00:00Z u-b', '2026-01-01T11:00:00Z u-a', '2026-01-01T11:00:00Z u-b'],
      ['2026-01-01T10:00:00Z u-a', '2026-01-01T10:00:00Z u-b'],
    ]);
    const first = (await (await admin('GET', `/keys/${id}/usage?limit=1`)).json()) as Json;
    expect(first).toMatchObject({ key_id: id, token_budget: null, token_window: null, has_more: true });
    expect(first.data).toHaveLength(1);
    await expectAdminError(await admin('GET', `/keys/${id}/usage?cursor=nope`), 400, { param: 'cursor' });
    await expectAdminError(await admin('GET', `/keys/${id}/usage?limit=201`), 400, { param: 'limit' });
  });
});
