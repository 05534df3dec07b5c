import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src';
import { probeOne } from '../../src/origins/probe';
import { CHAT_MODEL, admin, call, createKey, originUrl } from './helpers/router';

async function runCron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

interface Health {
  served_entity: string;
  url: string;
  healthy: boolean | null;
  source: string | null;
  detail: string;
}

describe('origin health', () => {
  it('the cron probe records each origin and endpoint info shows it', async () => {
    const up = originUrl();
    const down = 'http://127.0.0.1:9';
    await admin('POST', '/endpoints', {
      name: 'probed',
      served_entities: [{ name: 'pool', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: up }, { url: down }] }],
    });
    const before = (await (await admin('GET', '/endpoints/probed')).json()) as { origin_health: Health[] };
    expect(before.origin_health.map((h) => h.healthy)).toEqual([null, null]);

    await runCron();
    const after = (await (await admin('GET', '/endpoints/probed')).json()) as { origin_health: Health[] };
    expect(after.origin_health).toEqual([
      expect.objectContaining({ served_entity: 'pool', url: up, healthy: true, source: 'probe' }),
      expect.objectContaining({
        served_entity: 'pool',
        url: down,
        healthy: false,
        source: 'probe',
        detail: expect.stringContaining('GET /health failed'),
      }),
    ]);
  });

  it('a probe does not follow a redirect: a 307 from /health is an unhealthy answer', async () => {
    // The redirect leads to the emulator's healthy /health; followed, it would mark this origin up.
    const probe = await probeOne(originUrl('redirect'), 5_000);
    expect(probe).toEqual(
      expect.objectContaining({ healthy: false, source: 'probe', detail: 'GET /health answered HTTP 307' }),
    );
    expect((await probeOne(originUrl(), 5_000)).healthy).toBe(true);
  });

  it('an endpoint whose only origin is down answers 503 at once, without trying it', async () => {
    await admin('POST', '/endpoints', {
      name: 'all-down',
      served_entities: [
        { name: 'only', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: 'http://127.0.0.1:9/down' }] },
      ],
    });
    await runCron();
    const { key } = await createKey();
    const res = await call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: { model: 'all-down', messages: [{ role: 'user', content: 'x' }] },
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { code: 'no_healthy_origin', message: expect.stringContaining("endpoint 'all-down'") },
    });
    // Retry-After: when the probe's mark stops counting and the router tries the origin again (within a minute).
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('only probe marks count: a passive mark (as older versions wrote) refuses nothing', async () => {
    const url = originUrl('normal/3');
    await env.DB.prepare(
      "INSERT INTO origin_health (url, healthy, checked_at, source, detail) VALUES (?, 0, ?, 'passive', 'x')",
    )
      .bind(url, new Date().toISOString())
      .run();
    const { forgetHealth } = await import('../../src/origins/health-store');
    forgetHealth();
    await admin('POST', '/endpoints', {
      name: 'passive-marked',
      served_entities: [{ name: 'only', protocol: 'openai', model: CHAT_MODEL, origins: [{ url }] }],
    });
    const { key } = await createKey();
    const body = { model: 'passive-marked', messages: [{ role: 'user', content: 'x' }] };
    expect((await call('/v1/chat/completions', { method: 'POST', token: key, json: body })).status).toBe(200);
    const info = (await (await admin('GET', '/endpoints/passive-marked')).json()) as {
      state: string;
      origin_health: Health[];
    };
    expect(info.state).toBe('ready');
    expect(info.origin_health[0]).toMatchObject({ healthy: null, source: null });
  });

  it('a probe that succeeds clears a probe mark recorded before', async () => {
    const url = originUrl('normal/4');
    await env.DB.prepare(
      "INSERT INTO origin_health (url, healthy, checked_at, source, detail) VALUES (?, 0, ?, 'probe', 'x')",
    )
      .bind(url, new Date().toISOString())
      .run();
    await admin('POST', '/endpoints', {
      name: 'recovering',
      served_entities: [{ name: 'only', protocol: 'openai', model: CHAT_MODEL, origins: [{ url }] }],
    });
    const { key } = await createKey();
    const body = { model: 'recovering', messages: [{ role: 'user', content: 'x' }] };
    const { forgetHealth } = await import('../../src/origins/health-store');
    forgetHealth();
    expect((await call('/v1/chat/completions', { method: 'POST', token: key, json: body })).status).toBe(503);
    await runCron();
    const info = (await (await admin('GET', '/endpoints/recovering')).json()) as { origin_health: Health[] };
    expect(info.origin_health[0]).toMatchObject({ healthy: true, source: 'probe' });
    forgetHealth();
    expect((await call('/v1/chat/completions', { method: 'POST', token: key, json: body })).status).toBe(200);
  });
});
