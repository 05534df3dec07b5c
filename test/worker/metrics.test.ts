import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { bucketIndex, LATENCY_BUCKETS_MS } from '../../src/metrics/buckets';
import { MetricsRecorder, metricsObject } from '../../src/metrics/recorder';
import { resolveEndpoint } from '../../src/endpoints/cache';
import { ADMIN_TOKEN, admin, call, createEndpoint, createKey, eventually, originUrl } from './helpers/router';
import { expectAdminError, expectError } from './helpers/expect-error';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const hello = [{ role: 'user', content: 'hello there' }];

async function metrics(name: string, query = '', token = ADMIN_TOKEN): Promise<Response> {
  return call(`/admin/v1/endpoints/${name}/metrics${query}`, { token });
}

async function metricsJson(name: string, query = ''): Promise<Json> {
  const res = await metrics(name, query);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);

/** The endpoint's totals over the last hour, as the admin API sums them. */
async function totals(name: string) {
  const m = await metricsJson(name);
  const t = m.total;
  return {
    completed: sum(t.requests.completed),
    failed: sum(t.requests.failed),
    aborted: sum(t.requests.aborted),
    '2xx': sum(t.status['2xx']),
    '4xx': sum(t.status['4xx']),
    '5xx': sum(t.status['5xx']),
    concurrency: sum(t.refusals.concurrency),
    auth: sum(t.refusals.auth),
    validation: sum(t.refusals.validation),
    rate: sum(t.refusals.rate),
    latencyCount: t.latency_ms.window.count as number,
    ttftCount: t.ttft_ms.window.count as number,
    completionTokens: sum(t.completion_tokens),
  };
}

/** Waits for the exact figures, then waits several more flush intervals and checks they did not move (nothing counted twice). */
async function expectExactly(name: string, expected: Partial<Awaited<ReturnType<typeof totals>>>): Promise<void> {
  await eventually(async () => expect(await totals(name)).toMatchObject(expected), 10_000);
  // METRICS_FLUSH_MS is 500 in the test config: this outlasts two more flushes.
  await new Promise((r) => setTimeout(r, 1_200));
  expect(await totals(name)).toMatchObject(expected);
}

describe('request metrics', () => {
  it('counts a known mix of completed, failed, aborted and refused requests exactly, across two isolates’ flushes', async () => {
    // slow/20: the emulator waits 20 ms per generated token.
    await createEndpoint('mx-mix', { mode: 'slow/20' });
    const { key } = await createKey({ concurrency_limit: 1 });
    const post = (json: Json, token = key, path = '/v1/chat/completions') =>
      call(path, { method: 'POST', token, json: { model: 'mx-mix', messages: hello, ...json } });

    // 3 completed (2 plain, 1 streamed).
    let completionTokens = 0;
    for (const stream of [false, false, true]) {
      const res = await post({ max_tokens: 3, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) });
      expect(res.status).toBe(200);
      if (stream) {
        const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: {'));
        completionTokens += (JSON.parse(events.at(-1)!.slice(6)) as Json).usage.completion_tokens;
      } else {
        completionTokens += ((await res.json()) as Json).usage.completion_tokens;
      }
    }
    // 2 failed: the origin refuses a completion longer than its context (400 from the origin).
    for (let i = 0; i < 2; i++)
      await expectError(await post({ max_tokens: 10_000 }), 400, { code: 'origin_rejected_request' });
    // 1 aborted: the client leaves a long stream; meanwhile the key's only slot is taken: 1 concurrency refusal.
    const long = await post({ max_tokens: 500, stream: true });
    expect(long.status).toBe(200);
    const reader = long.body!.getReader();
    await reader.read();
    await expectError(await post({ max_tokens: 3 }), 429, { code: 'concurrency_limit_exceeded' });
    await reader.cancel();
    // Refusals: 2 invalid bodies (the body's model names the endpoint), 1 bad key on a path naming it.
    await expectError(await post({ messages: 'not a list' }), 400, { code: 'invalid_body' });
    await expectError(await post({ temperature: 9 }), 400, { code: 'invalid_body' });
    await expectError(await post({}, 'sk-rt-not-a-key', '/endpoints/mx-mix/v1/chat/completions'), 401, {
      code: 'invalid_api_key',
    });

    // Isolate A (this Worker) flushes on its own, shortly after each request.
    await expectExactly('mx-mix', {
      completed: 3,
      failed: 2,
      aborted: 1,
      '2xx': 4,
      '4xx': 2,
      '5xx': 0,
      concurrency: 1,
      auth: 1,
      validation: 2,
      rate: 0,
      latencyCount: 6,
      ttftCount: 1,
    });
    expect((await totals('mx-mix')).completionTokens).toBeGreaterThanOrEqual(completionTokens);

    // Isolate B: another recorder (its own isolate id) counts requests of the same endpoint and flushes them.
    const b = new MetricsRecorder('isolate-b');
    const now = Date.now();
    for (let i = 0; i < 4; i++) {
      b.batch.request({
        endpoint: 'mx-mix',
        entity: 'mx-mix-a',
        outcome: i < 3 ? 'completed' : 'failed',
        status: i < 3 ? 200 : 502,
        startedAt: now - 300,
        durationMs: 300,
        ttftMs: null,
        promptTokens: 5,
        completionTokens: 7,
        attempts: 1,
      });
    }
    b.batch.refusal('mx-mix', 'rate');
    // A flush that arrives twice (a retry after a lost answer) is applied once.
    const [flush] = b.batch.take();
    const endpoint = (await resolveEndpoint(env.DB, 'mx-mix'))!;
    expect(await metricsObject(env, endpoint).apply(flush!.flushId, flush!.rows)).toBe(true);
    expect(await metricsObject(env, endpoint).apply(flush!.flushId, flush!.rows)).toBe(false);
    await expectExactly('mx-mix', {
      completed: 6,
      failed: 3,
      aborted: 1,
      '2xx': 7,
      '4xx': 2,
      '5xx': 1,
      concurrency: 1,
      auth: 1,
      validation: 2,
      rate: 1,
      latencyCount: 10,
      ttftCount: 1,
    });
    // A flush of nothing new (an empty batch) changes nothing either.
    await b.flush(env);
    expect((await totals('mx-mix')).completed).toBe(6);
  });

  it('reads percentiles from the histograms within one bucket of the true values', async () => {
    await createEndpoint('mx-latency', { mode: 'slow/10' });
    const { key } = await createKey({ concurrency_limit: 16 });
    // The emulator answers after tokens × 10 ms (ignore_eos: exactly max_tokens tokens): a spread from ~20 ms to ~1.5 s.
    const tokens = [2, 3, 4, 5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150];
    const truth: number[] = [];
    for (let i = 0; i < tokens.length; i += 6) {
      await Promise.all(
        tokens.slice(i, i + 6).map(async (n) => {
          const started = Date.now();
          const res = await call('/v1/chat/completions', {
            method: 'POST',
            token: key,
            json: { model: 'mx-latency', messages: hello, max_tokens: n, ignore_eos: true },
          });
          await res.text();
          expect(res.status).toBe(200);
          truth.push(Date.now() - started);
        }),
      );
    }
    truth.sort((a, b) => a - b);
    const at = (q: number) => truth[Math.ceil(q * truth.length) - 1]!;
    const m = await eventually(async () => {
      const json = await metricsJson('mx-latency');
      expect(json.total.latency_ms.window.count).toBe(tokens.length);
      return json;
    }, 10_000);
    for (const [q, name] of [
      [0.5, 'p50'],
      [0.95, 'p95'],
      [0.99, 'p99'],
    ] as const) {
      const measured = m.total.latency_ms.window[name] as number;
      const gap = Math.abs(bucketIndex(LATENCY_BUCKETS_MS, measured) - bucketIndex(LATENCY_BUCKETS_MS, at(q)));
      expect(gap, `${name}: histogram ${measured} ms, true ${at(q)} ms`).toBeLessThanOrEqual(1);
    }
    // Per step: the same figures in the one minute that holds the traffic (or two, at a minute's edge).
    expect(m.total.latency_ms.p50.filter((v: number | null) => v !== null).length).toBeGreaterThanOrEqual(1);
    expect(m.served_entities.map((e: Json) => e.name)).toEqual(['mx-latency-a']);
    expect(sum(m.served_entities[0].requests.completed)).toBe(tokens.length);
    expect(m.origins).toHaveLength(1);
    expect(sum(m.origins[0].attempts)).toBe(tokens.length);
    expect(m.origins[0].origin).not.toContain('?');
  });

  it('counts origin attempts, failovers and ejections', async () => {
    // A dead origin drawn first almost every time (weight 1000 to 1) next to a live one.
    const res = await admin('POST', '/endpoints', {
      name: 'mx-failover',
      served_entities: [
        {
          name: 'main',
          protocol: 'openai',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          origins: [
            { url: 'http://127.0.0.1:9', weight: 1000 },
            { url: originUrl(), weight: 1 },
          ],
        },
      ],
    });
    expect(res.status).toBe(201);
    const { key } = await createKey();
    for (let i = 0; i < 8; i++) {
      const answer = await call('/v1/chat/completions', {
        method: 'POST',
        token: key,
        json: { model: 'mx-failover', messages: hello, max_tokens: 2 },
      });
      expect(answer.status).toBe(200);
      await answer.text();
    }
    const m = await eventually(async () => {
      const json = await metricsJson('mx-failover');
      expect(sum(json.total.requests.completed)).toBe(8);
      return json;
    }, 10_000);
    const dead = m.origins.find((o: Json) => o.origin === 'http://127.0.0.1:9')!;
    const live = m.origins.find((o: Json) => o.origin !== 'http://127.0.0.1:9')!;
    // Every request ended on the live origin; each failed attempt on the dead one was followed by a failover.
    expect(sum(live.attempts)).toBe(8);
    expect(sum(live.failures)).toBe(0);
    expect(sum(dead.failures)).toBe(sum(dead.attempts));
    expect(sum(m.total.failovers)).toBe(sum(dead.failures));
    // Five failures in a row (OUTLIER_CONSECUTIVE_FAILURES) eject the dead origin.
    expect(sum(dead.failures)).toBeGreaterThanOrEqual(5);
    expect(sum(dead.ejections)).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /admin/v1/endpoints/{name}/metrics', () => {
  it('answers bad parameters with 400 naming the parameter', async () => {
    await createEndpoint('mx-params');
    await expectAdminError(await metrics('mx-params', '?step=90'), 400, { param: 'step', code: 'invalid_query' });
    await expectAdminError(await metrics('mx-params', '?step=fast'), 400, { param: 'step' });
    await expectAdminError(await metrics('mx-params', '?since=yesterday'), 400, { param: 'since' });
    await expectAdminError(await metrics('mx-params', '?since=2000&until=1000'), 400, { param: 'since' });
    await expectAdminError(await metrics('mx-params', '?step=60&since=0&until=86400000'), 400, { param: 'step' });
    await expectAdminError(await metrics('mx-params', '?limit=5'), 400, {});
    const ok = await metricsJson('mx-params', '?step=5m');
    expect(ok).toMatchObject({ object: 'endpoint.metrics', endpoint: 'mx-params', step: 300, resolution: 'minute' });
    // The last hour in 5-minute steps aligned to the clock: 12 steps, or 13 when the hour does not start on one.
    expect([12, 13]).toContain(ok.timestamps.length);
    expect(ok.timestamps[1] - ok.timestamps[0]).toBe(300);
    const old = await metricsJson('mx-params', `?since=${Math.floor(Date.now() / 1000) - 30 * 86_400}`);
    expect(old.resolution).toBe('hour');
  });

  it('answers a time past what a date can hold with 400 naming it, not 500', async () => {
    await createEndpoint('mx-far');
    // Unix seconds past year 275760 (JavaScript's last date); RFC 3339 only writes years up to 9999.
    for (const q of ['?until=9999999999999', '?since=9000000000000&until=9000000003600', '?until=253402300800']) {
      await expectAdminError(await metrics('mx-far', q), 400, { param: 'until', code: 'invalid_query' });
    }
    const err = (await (await metrics('mx-far', '?until=99999999999999999999')).json()) as {
      error: { message: string };
    };
    expect(err.error.message).toBe("Invalid query parameter 'until': give a time no later than 9999-12-31T23:59:59Z");
  });

  it('is tenant-scoped: another tenant’s platform key gets 404, an endpoint key 403', async () => {
    await createEndpoint('mx-scoped');
    expect((await admin('POST', '/tenants', { name: 'mx-other' })).status).toBe(201);
    const other = (await (
      await admin('POST', '/keys', { kind: 'platform', role: 'tenant_admin', tenant: 'mx-other' })
    ).json()) as Json;
    await expectError(await metrics('mx-scoped', '', other.key), 404, { code: 'endpoint_not_found' });
    await expectError(await metrics('mx-nowhere'), 404, {});
    const endpointKey = await createKey();
    await expectError(await metrics('mx-scoped', '', endpointKey.key), 403, {});
    await expectError(await call('/admin/v1/endpoints/mx-scoped/metrics'), 401, {});
  });

  it('answers 404 to a tenant the endpoint is shared with: the series name its served entities and origins', async () => {
    expect((await admin('POST', '/tenants', { name: 'mx-owner' })).status).toBe(201);
    expect((await admin('POST', '/tenants', { name: 'mx-sharer' })).status).toBe(201);
    await createEndpoint('mx-shared', { body: { tenant: 'mx-owner' } });
    expect((await admin('POST', '/endpoints/mx-shared/shares', { tenant: 'mx-sharer' })).status).toBe(200);
    const platform = async (tenant: string, role: string) =>
      ((await (await admin('POST', '/keys', { kind: 'platform', role, tenant })).json()) as Json).key as string;
    for (const role of ['tenant_admin', 'member']) {
      const shared = await platform('mx-sharer', role);
      // It sees the endpoint (shared view), but not its metrics.
      expect((await call('/admin/v1/endpoints/mx-shared', { token: shared })).status).toBe(200);
      await expectError(await metrics('mx-shared', '', shared), 404, { code: 'endpoint_not_found' });
    }
    const own = await metrics('mx-shared', '', await platform('mx-owner', 'member'));
    expect(own.status).toBe(200);
    expect(((await own.json()) as Json).served_entities[0].name).toBe('mx-shared-a');
  });
});

describe('GET /metrics', () => {
  it('serves the Prometheus text format, scoped to what the caller may see', async () => {
    await createEndpoint('mx-prom');
    const { key } = await createKey();
    for (let i = 0; i < 2; i++) {
      expect(
        (
          await call('/v1/chat/completions', {
            method: 'POST',
            token: key,
            json: { model: 'mx-prom', messages: hello, max_tokens: 2 },
          })
        ).status,
      ).toBe(200);
    }
    const text = await eventually(async () => {
      const res = await call('/metrics', { token: ADMIN_TOKEN });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const body = await res.text();
      expect(body).toContain(
        'router_requests_total{endpoint="mx-prom",served_entity="mx-prom-a",outcome="completed",status="2xx"} 2\n',
      );
      return body;
    }, 10_000);
    expect(text).toContain('# TYPE router_request_duration_seconds histogram');
    expect(text).toContain(
      'router_request_duration_seconds_bucket{endpoint="mx-prom",served_entity="mx-prom-a",le="+Inf"} 2\n',
    );
    expect(text).toContain('router_request_duration_seconds_count{endpoint="mx-prom",served_entity="mx-prom-a"} 2\n');
    expect(text).toMatch(
      /router_origin_healthy\{endpoint="mx-prom",served_entity="mx-prom-a",origin="http:\/\/[^"]+"\} 1/,
    );
    // Every bucket line is cumulative: never smaller than the one before it.
    const buckets = [...text.matchAll(/router_request_duration_seconds_bucket\{endpoint="mx-prom",[^}]*\} (\d+)/g)].map(
      (m) => Number(m[1]),
    );
    expect(buckets).toHaveLength(LATENCY_BUCKETS_MS.length + 1);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));

    expect((await admin('POST', '/tenants', { name: 'mx-prom-other' })).status).toBe(201);
    const other = (await (
      await admin('POST', '/keys', { kind: 'platform', role: 'member', tenant: 'mx-prom-other' })
    ).json()) as Json;
    const theirs = await call('/metrics', { token: other.key });
    expect(theirs.status).toBe(200);
    expect(await theirs.text()).not.toContain('mx-prom"');
    await expectError(await call('/metrics', { token: key }), 403, {});
    await expectError(await call('/metrics'), 401, {});
  });

  it('shows a tenant principal its own tenant’s endpoints only, not those shared with it', async () => {
    expect((await admin('POST', '/tenants', { name: 'mx-prom-owner' })).status).toBe(201);
    expect((await admin('POST', '/tenants', { name: 'mx-prom-sharer' })).status).toBe(201);
    await createEndpoint('mx-prom-shared', { body: { tenant: 'mx-prom-owner' } });
    await createEndpoint('mx-prom-mine', { body: { tenant: 'mx-prom-sharer' } });
    expect((await admin('POST', '/endpoints/mx-prom-shared/shares', { tenant: 'mx-prom-sharer' })).status).toBe(200);
    const scrape = async (tenant: string) => {
      const { key } = (await (
        await admin('POST', '/keys', { kind: 'platform', role: 'tenant_admin', tenant })
      ).json()) as Json;
      const res = await call('/metrics', { token: key });
      expect(res.status).toBe(200);
      return res.text();
    };
    const sharer = await scrape('mx-prom-sharer');
    expect(sharer).toMatch(/router_origin_healthy\{endpoint="mx-prom-mine",/);
    expect(sharer).not.toContain('mx-prom-shared');
    const owner = await scrape('mx-prom-owner');
    expect(owner).toMatch(/router_origin_healthy\{endpoint="mx-prom-shared",served_entity="mx-prom-shared-a",/);
    expect(owner).not.toContain('mx-prom-mine');
  });
});

describe('retention', () => {
  it('drops minute buckets after 7 days and hour buckets after 90', async () => {
    const { runDurableObjectAlarm } = await import('cloudflare:test');
    await createEndpoint('mx-retention');
    const endpoint = (await resolveEndpoint(env.DB, 'mx-retention'))!;
    const stub = metricsObject(env, endpoint);
    const day = 86_400_000;
    const now = Date.now();
    const minute = (ms: number) => ms - (ms % 60_000);
    await stub.apply('old', [
      [minute(now - 8 * day), 'e', 'req:completed:2xx', 1],
      [minute(now - 91 * day), 'e', 'req:completed:2xx', 1],
      [minute(now - 60_000), 'e', 'req:completed:2xx', 1],
    ]);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const perMinute = await stub.range('minute', now - 100 * day, now + day, 60_000);
    expect(perMinute.map((r) => r[0])).toEqual([minute(now - 60_000)]);
    const perHour = await stub.range('hour', now - 100 * day, now + day, 3_600_000);
    expect(perHour).toHaveLength(2);
    // Running totals (the Prometheus counters) are not subject to retention.
    const { totals } = await stub.totals();
    expect(totals).toEqual([['e', 'req:completed:2xx', 3]]);
  });
});
