import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { admin, call, CHAT_MODEL, createEndpoint, createKey, originUrl } from './helpers/router';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const hello = [{ role: 'user', content: 'hello' }];
const chat = (token: string, model: string) =>
  call('/v1/chat/completions', { method: 'POST', token, json: { model, messages: hello } });
const entity = { name: 'main', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl() }] };

// Daily windows: a test never straddles the boundary in practice (minute windows could).
const perDay = (key: 'api_key' | 'endpoint', calls: number) => ({ key, calls, renewal_period: 'day' });

async function statuses(token: string, model: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await chat(token, model)).status);
  return out;
}

/** Rows of rate-limit state an endpoint's all-keys limiter holds. */
async function limiterRows(endpointId: string): Promise<number> {
  return runInDurableObject(
    env.LIMITER.getByName(endpointId),
    async (_limiter, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM rate_windows').one().n,
  );
}

describe('rate limits with several rules', () => {
  it('count each request once when two per-key rules share a period (10 and 100 per day: 10 pass)', async () => {
    await createEndpoint('rl2-key', { body: { rate_limits: [perDay('api_key', 10), perDay('api_key', 100)] } });
    const { key } = await createKey();
    const got = await statuses(key, 'rl2-key', 12);
    expect(got.filter((s) => s === 200).length).toBe(10);
    expect(got.slice(10)).toEqual([429, 429]);
  });

  it('count each request once when two all-keys rules share a period, across keys', async () => {
    await createEndpoint('rl2-all', { body: { rate_limits: [perDay('endpoint', 100), perDay('endpoint', 4)] } });
    const a = await createKey();
    const b = await createKey();
    const got = [...(await statuses(a.key, 'rl2-all', 3)), ...(await statuses(b.key, 'rl2-all', 3))];
    expect(got).toEqual([200, 200, 200, 200, 429, 429]);
  });
});

describe('rate-limit state belongs to the endpoint, not its name', () => {
  it('is not inherited by an endpoint re-created under the same name (another tenant, or the same)', async () => {
    expect((await admin('POST', '/tenants', { name: 'rl-other' })).status).toBe(201);
    const limits = [perDay('endpoint', 1), perDay('api_key', 1)];
    const first = (await createEndpoint('rl-reuse', { body: { rate_limits: limits } })) as Json;
    const mine = await createKey();
    expect(await statuses(mine.key, 'rl-reuse', 2)).toEqual([200, 429]);
    expect(await limiterRows(first.id)).toBeGreaterThan(0);

    expect((await admin('DELETE', '/endpoints/rl-reuse')).status).toBe(200);
    // Deleted with the endpoint.
    expect(await limiterRows(first.id)).toBe(0);

    const again = (await (
      await admin('POST', '/endpoints', {
        name: 'rl-reuse',
        tenant: 'rl-other',
        served_entities: [entity],
        rate_limits: limits,
      })
    ).json()) as Json;
    expect(again.id).not.toBe(first.id);
    const theirs = (await (await admin('POST', '/keys', { tenant: 'rl-other' })).json()) as Json;
    expect(await statuses(theirs.key, 'rl-reuse', 2)).toEqual([200, 429]);

    // Back in the first tenant, with the same (unscoped) key: its own per-key count starts afresh too.
    expect((await admin('DELETE', '/endpoints/rl-reuse')).status).toBe(200);
    expect(
      (
        await admin('POST', '/endpoints', {
          name: 'rl-reuse',
          served_entities: [entity],
          rate_limits: [perDay('api_key', 1)],
        })
      ).status,
    ).toBe(201);
    expect(await statuses(mine.key, 'rl-reuse', 2)).toEqual([200, 429]);
  });
});
