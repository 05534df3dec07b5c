// Grafana's path: a real Prometheus scrapes the router's /metrics (under wrangler dev)
// and answers PromQL about an endpoint's request rate and latency quantiles.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { REPO_ROOT } from '../../scripts/lib/stack.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createEndpoint, createKey, eventually, openai, routerUrl, userMessage } from './helpers.ts';
import { startPrometheus, type PrometheusServer } from './prometheus-server.ts';

/** The latency histogram's bucket bounds in seconds (src/metrics/buckets.ts), +Inf last. */
const BOUNDS_S = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const bucketOf = (s: number) => {
  const i = BOUNDS_S.findIndex((b) => s <= b);
  return i === -1 ? BOUNDS_S.length : i;
};

let prometheus: PrometheusServer;

beforeAll(async () => {
  prometheus = await startPrometheus({ url: routerUrl(), bearer: inject('adminToken') });
});

afterAll(async () => {
  await prometheus?.stop();
});

const scalar = (result: Awaited<ReturnType<PrometheusServer['query']>>): number | null =>
  result.length === 1 && result[0]!.value ? Number(result[0]!.value[1]) : null;

describe('Prometheus scraping /metrics', () => {
  it('gets the request rate and a latency quantile of an endpoint right', { timeout: 120_000 }, async () => {
    // slow/10: the emulator answers after max_tokens × 10 ms (ignore_eos: exactly max_tokens tokens).
    const endpoint = (await createEndpoint('prom', { mode: 'slow/10' })).name;
    const client = openai((await createKey([endpoint], 16)).key);
    const truth: number[] = [];
    const chat = async (tokens: number) => {
      const started = performance.now();
      const res = await client.chat.completions.create({
        model: endpoint,
        messages: userMessage('how fast?'),
        max_tokens: tokens,
        ignore_eos: true,
      } as ChatCompletionCreateParamsNonStreaming);
      truth.push((performance.now() - started) / 1000);
      expect(res.usage?.completion_tokens).toBe(tokens);
    };
    const series = `router_requests_total{endpoint="${endpoint}",outcome="completed",status="2xx"}`;

    // One request, until Prometheus has scraped it: the counter's first sample is 1.
    await chat(2);
    await eventually(async () => expect(scalar(await prometheus.query(series))).toBe(1), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });

    // Then twelve more, with latencies from ~30 ms to ~1.5 s.
    const tokens = [3, 5, 8, 12, 20, 30, 40, 60, 80, 100, 120, 150];
    for (let i = 0; i < tokens.length; i += 4) await Promise.all(tokens.slice(i, i + 4).map(chat));
    await eventually(async () => expect(scalar(await prometheus.query(series))).toBe(13), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });

    // Request rate: PromQL's rate() over 2 minutes, checked against the raw samples Prometheus holds.
    const at = Date.now() / 1000;
    const [raw] = await prometheus.query(`${series}[2m]`, at);
    const samples = raw!.values!.map(([t, v]) => [t, Number(v)] as const);
    const [tFirst, first] = samples[0]!;
    const [tLast, last] = samples.at(-1)!;
    expect(last - first).toBe(12);
    const rate = scalar(await prometheus.query(`rate(${series}[2m])`, at))!;
    // rate() extrapolates the increase from the sampled span towards the window: between Δ/window and Δ/span.
    expect(rate).toBeGreaterThanOrEqual(12 / 120 - 1e-9);
    expect(rate).toBeLessThanOrEqual(12 / (tLast - tFirst) + 1e-9);
    const total = scalar(
      await prometheus.query(`sum(increase(router_requests_total{endpoint="${endpoint}"}[2m]))`, at),
    )!;
    expect(total).toBeGreaterThanOrEqual(12);

    // Latency quantiles from the histogram: within one bucket of the true ones, and equal to the admin API's.
    truth.sort((a, b) => a - b);
    const res = await fetch(`${routerUrl()}/admin/v1/endpoints/${endpoint}/metrics`, {
      headers: { authorization: `Bearer ${inject('adminToken')}` },
    });
    expect(res.status).toBe(200);
    const metrics = (await res.json()) as { total: { latency_ms: { window: Record<'p50' | 'p95' | 'p99', number> } } };
    for (const [q, name] of [
      [0.5, 'p50'],
      [0.95, 'p95'],
      [0.99, 'p99'],
    ] as const) {
      const promql = `histogram_quantile(${q}, sum by (le) (router_request_duration_seconds_bucket{endpoint="${endpoint}"}))`;
      const estimate = scalar(await prometheus.query(promql))!;
      const exact = truth[Math.ceil(q * truth.length) - 1]!;
      expect(
        Math.abs(bucketOf(estimate) - bucketOf(exact)),
        `${name}: Prometheus ${estimate} s, true ${exact} s`,
      ).toBeLessThanOrEqual(1);
      expect(Math.abs(estimate * 1000 - metrics.total.latency_ms.window[name])).toBeLessThan(0.1);
    }
    const count = scalar(await prometheus.query(`sum(router_request_duration_seconds_count{endpoint="${endpoint}"})`));
    expect(count).toBe(13);

    // Streams, for the time-to-first-token and inter-token-gap histograms: one, then (once scraped) two more.
    const ttft = `sum(router_time_to_first_token_seconds_count{endpoint="${endpoint}"})`;
    for (const [streams, seen] of [
      [1, 1],
      [2, 3],
    ] as const) {
      for (let i = 0; i < streams; i++) {
        const stream = await client.chat.completions.create({
          model: endpoint,
          messages: userMessage('stream'),
          max_tokens: 5,
          stream: true,
        });
        for await (const chunk of stream) void chunk;
      }
      await eventually(async () => expect(scalar(await prometheus.query(ttft))).toBe(seen), {
        timeoutMs: 30_000,
        intervalMs: 250,
      });
    }

    // The Grafana dashboard shipped in the repo: every query runs, and the panels this traffic feeds show numbers.
    const dashboard = JSON.parse(await readFile(path.join(REPO_ROOT, 'grafana', 'edge-llm-router.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string; refId: string }> }>;
    };
    // No failures, refusals, failovers or ejections happened: those queries may come back empty.
    const quiet = (expr: string) => /outcome="failed"|router_refusals_total|failovers|ejections/.test(expr);
    await eventually(
      async () => {
        for (const panel of dashboard.panels) {
          for (const target of panel.targets) {
            const expr = target.expr.replaceAll('$endpoint', endpoint).replaceAll('$__rate_interval', '1m');
            const result = await prometheus.query(expr);
            if (quiet(expr)) continue;
            const values = result.map((r) => Number(r.value![1]));
            expect(values.length, `${panel.title}/${target.refId}: ${expr}`).toBeGreaterThan(0);
            for (const v of values) expect(Number.isFinite(v), `${panel.title}/${target.refId}: ${v}`).toBe(true);
          }
        }
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  });
});
