// The metrics page in Chromium: after real traffic through the router, every chart is drawn by uPlot with
// non-zero series, the page refreshes itself while it is open, and screenshots are saved (the README shows
// a copy of the full-page one, docs/images/console-metrics.png).

import path from 'node:path';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openai, userMessage } from '../e2e/helpers.ts';
import { documentWidths, launch, newContext, openPage, screenshot, SCREENSHOTS, signIn } from './browser.ts';
import {
  adminCall,
  CHAT_MODEL,
  createEndpoint,
  createKey,
  eventually,
  originUrl,
  routerUrl,
  uniqueName,
} from './helpers.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

type ChartFacts = { points: number; sum: number; canvases: number };

async function chart(page: Page, id: string): Promise<ChartFacts> {
  const box = page.locator(`[data-chart="${id}"]`);
  return {
    points: Number(await box.getAttribute('data-points')),
    sum: Number(await box.getAttribute('data-sum')),
    canvases: await box.locator('canvas').count(),
  };
}

async function adminMetrics(
  endpoint: string,
): Promise<{ total: { requests: Record<string, number[]>; ttft_ms: { window: { count: number } } } }> {
  const res = await fetch(`${routerUrl()}/admin/v1/endpoints/${endpoint}/metrics`, {
    headers: { authorization: `Bearer ${inject('adminToken')}` },
  });
  return res.json() as never;
}

const total = (values: number[]) => values.reduce((a, v) => a + v, 0);

describe('metrics page', () => {
  it('draws every chart with non-zero series after traffic, and refreshes live', { timeout: 120_000 }, async () => {
    // slow/5: 5 ms per token, so latency, time to first token and token rate all have something to show.
    const endpoint = (await createEndpoint('ui-metrics', { mode: 'slow/5' })).name;
    const client = openai((await createKey([endpoint], 16)).key);
    const plain = (tokens: number) =>
      client.chat.completions.create({
        model: endpoint,
        messages: userMessage('chart me'),
        max_tokens: tokens,
        ignore_eos: true,
      } as ChatCompletionCreateParamsNonStreaming);
    for (let i = 0; i < 6; i++) await plain(5 + i * 10);
    for (let i = 0; i < 3; i++) {
      const stream = await client.chat.completions.create({
        model: endpoint,
        messages: userMessage('stream me'),
        max_tokens: 20,
        stream: true,
      });
      for await (const chunk of stream) void chunk;
    }
    // One the origin refuses (longer than its context): a failed request for the errors chart.
    await expect(plain(10_000)).rejects.toThrow();
    await eventually(
      async () => {
        const m = await adminMetrics(endpoint);
        expect(total(m.total.requests.completed!)).toBe(9);
        expect(total(m.total.requests.failed!)).toBe(1);
      },
      { timeoutMs: 15_000 },
    );

    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await openPage(page, 'Metrics');
    await page.getByLabel('Endpoint').selectOption(endpoint);
    await page.locator('[data-chart="requests"][data-points]').waitFor();
    await eventually(async () => expect((await chart(page, 'requests')).sum).toBeGreaterThan(0), { timeoutMs: 10_000 });

    for (const id of ['requests', 'errors', 'latency', 'ttft', 'tokens', 'in-flight', 'origins']) {
      const facts = await chart(page, id);
      expect(facts.canvases, id).toBeGreaterThan(0);
      expect(facts.points, id).toBeGreaterThan(0);
    }
    // Each chart names its series in its legend (uPlot's), e.g. the three latency percentiles.
    const legend = await page.locator('[data-chart="latency"] .u-legend').textContent();
    expect(legend).toMatch(/p50.*p95.*p99/s);
    await screenshot(page, 'metrics');

    // Live: more traffic shows up without touching the page (it refreshes every 10 s).
    const before = (await chart(page, 'requests')).sum;
    for (let i = 0; i < 4; i++) await plain(3);
    await eventually(async () => expect((await chart(page, 'requests')).sum).toBeGreaterThan(before), {
      timeoutMs: 40_000,
      intervalMs: 500,
    });

    // The whole page, for the README (docs/images/console-metrics.png is a copy of it).
    await page.screenshot({ path: path.join(SCREENSHOTS, 'metrics-full.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says why a chart is empty for an endpoint without traffic, and keeps the window when the endpoint changes', async () => {
    const quiet = (await createEndpoint('ui-metrics-quiet')).name;
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await page.goto(`/#/metrics/${quiet}`);
    await page.locator('#metrics-window').selectOption({ label: 'Last 6 hours' });
    const latency = page.locator('[data-chart="latency"]');
    await latency.getByText('No data in this window').waitFor();
    // A chart of counts draws its zero line, which says as much; it carries no note.
    expect(await page.locator('[data-chart="requests"] .chart-empty').isHidden()).toBe(true);
    const other = (await page.locator('#metrics-endpoint option').allTextContents()).find((n) => n !== quiet)!;
    await page.locator('#metrics-endpoint').selectOption(other);
    await page.waitForURL(new RegExp(`#/metrics/${other}$`));
    await page.locator('[data-chart="requests"]').waitFor();
    expect(await page.locator('#metrics-window option:checked').textContent()).toBe('Last 6 hours');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a phone’s width with an endpoint name as long as names go (64 characters)', async () => {
    const long = uniqueName('ui-metrics-long-name').padEnd(64, 'x');
    await adminCall('POST', '/endpoints', {
      name: long,
      served_entities: [{ name: 'main', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl() }] }],
    });
    const { context, page, errors } = await newContext(browser, routerUrl());
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, inject('adminToken'));
    await page.goto(`/#/metrics/${long}`);
    await page.locator('[data-chart="requests"]').waitFor();
    const { scroll, client } = await documentWidths(page);
    expect(scroll).toBeLessThanOrEqual(client);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers an endpoint-key session no metrics page', async () => {
    const { context, page } = await newContext(browser, routerUrl());
    const endpointKey = await createKey(null);
    await signIn(page, endpointKey.key);
    expect(
      await page
        .getByRole('navigation', { name: 'Console' })
        .getByRole('link', { name: 'Metrics', exact: true })
        .count(),
    ).toBe(0);
    await context.close();
  });

  it('says an endpoint does not exist instead of showing another one’s metrics, with links to those that exist', async () => {
    // At least one endpoint with metrics, whatever ran before.
    await createEndpoint('ui-metrics-there');
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await page.goto('/#/metrics/ui-metrics-no-such-endpoint');
    await page.getByText('There is no endpoint named ui-metrics-no-such-endpoint').waitFor();
    // No charts of some other endpoint.
    expect(await page.locator('#metrics-endpoint').count()).toBe(0);
    expect(await page.locator('[data-chart]').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'All endpoints' }).getAttribute('href')).toBe('#/endpoints');
    const others = page.getByRole('navigation', { name: 'Metrics of other endpoints' });
    expect(await others.getByRole('link').count()).toBeGreaterThan(0);
    await screenshot(page, 'metrics-not-found');
    // Each link opens that endpoint's metrics.
    const first = others.getByRole('link').first();
    const target = (await first.textContent())!;
    await first.click();
    await page.locator('[data-chart="requests"]').waitFor();
    expect(await page.locator('#metrics-endpoint').inputValue()).toBe(target);
    expect(errors).toEqual([]);
    await context.close();
  });
});
