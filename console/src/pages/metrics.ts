// Per-endpoint metrics, drawn with uPlot from GET /admin/v1/endpoints/{name}/metrics and refreshed live:
// requests, errors, p50/p95/p99 latency and time to first token, tokens/s, in-flight, origin health.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './metrics.css';
import { json, listAll, nextStep } from '../api';
import { h } from '../dom';
import { missing } from '../not-found';
import type { Page } from '../page';
import type { EndpointView } from '../types';

/** Windows the user can pick: label, seconds, step (the API's `step`). */
const WINDOWS: Array<{ label: string; seconds: number; step: string }> = [
  { label: 'Last 15 minutes', seconds: 900, step: '60' },
  { label: 'Last hour', seconds: 3_600, step: '60' },
  { label: 'Last 6 hours', seconds: 21_600, step: '300' },
  { label: 'Last 24 hours', seconds: 86_400, step: '900' },
  { label: 'Last 7 days', seconds: 604_800, step: '3600' },
];
const REFRESH_MS = 10_000;
/** The window last picked: kept when the user switches endpoint (a new render of the page). */
let windowIndex = 0;

type Values = Array<number | null>;
interface Quantiles {
  p50: Values;
  p95: Values;
  p99: Values;
}
interface Series {
  requests: Record<string, number[]>;
  refusals: Record<string, number[]>;
  errors: number[];
  latency_ms: Quantiles;
  ttft_ms: Quantiles;
  tokens_per_second: number[];
  in_flight: number[];
}
interface Metrics {
  endpoint: string;
  step: number;
  timestamps: number[];
  total: Series;
  origins: Array<{ served_entity: string; origin: string; attempts: number[]; failures: number[] }>;
}

interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  /** A fixed y range (percentages), else fitted to the data. */
  range?: [number, number];
  series: (m: Metrics) => Array<{ label: string; values: Values }>;
}

const perSecond = (m: Metrics, values: number[]): Values => values.map((v) => v / m.step);

const CHARTS: ChartSpec[] = [
  {
    id: 'requests',
    title: 'Requests per second',
    unit: 'req/s',
    series: (m) =>
      ['completed', 'failed', 'aborted'].map((o) => ({ label: o, values: perSecond(m, m.total.requests[o] ?? []) })),
  },
  {
    id: 'errors',
    title: 'Errors per second (failed requests and refusals)',
    unit: 'req/s',
    series: (m) => [
      { label: 'failed', values: perSecond(m, m.total.requests.failed ?? []) },
      ...Object.entries(m.total.refusals)
        .filter(([, v]) => v.some((x) => x > 0))
        .map(([reason, v]) => ({ label: `refused: ${reason.replaceAll('_', ' ')}`, values: perSecond(m, v) })),
    ],
  },
  {
    id: 'latency',
    title: 'Latency',
    unit: 'ms',
    series: (m) => (['p50', 'p95', 'p99'] as const).map((q) => ({ label: q, values: m.total.latency_ms[q] })),
  },
  {
    id: 'ttft',
    title: 'Time to first token',
    unit: 'ms',
    series: (m) => (['p50', 'p95', 'p99'] as const).map((q) => ({ label: q, values: m.total.ttft_ms[q] })),
  },
  {
    id: 'tokens',
    title: 'Tokens per second',
    unit: 'tok/s',
    series: (m) => [{ label: 'completion tokens/s', values: m.total.tokens_per_second }],
  },
  {
    id: 'in-flight',
    title: 'Requests in flight (mean)',
    unit: '',
    series: (m) => [{ label: 'in flight', values: m.total.in_flight }],
  },
  {
    id: 'origins',
    title: 'Origin health (share of attempts answered)',
    unit: '%',
    range: [0, 100],
    series: (m) =>
      m.origins.map((o) => ({
        label: `${o.served_entity} ${o.origin}`,
        values: o.attempts.map((a, i) => (a > 0 ? (100 * (a - o.failures[i]!)) / a : null)),
      })),
  },
];

const COLORS = ['#2563eb', '#dc2626', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2'];

export const metricsPage: Page = {
  id: 'metrics',
  title: 'Metrics',
  nav: true,
  platformOnly: true,
  async render(ctx) {
    // Metrics are for the endpoint's own tenant: one shared with this tenant answers 404 there, so it is not offered.
    const listed = await listAll<EndpointView>('/admin/v1/endpoints', ctx.session.key);
    const endpoints = listed.filter((e) => e.access !== 'shared');
    const wanted = ctx.params[0];
    if (wanted && !endpoints.some((e) => e.name === wanted)) {
      return noMetrics(
        wanted,
        endpoints,
        listed.some((e) => e.name === wanted),
      );
    }
    if (endpoints.length === 0) {
      return h('div', { class: 'page' }, h('h1', null, 'Metrics'), h('p', { class: 'muted' }, 'No endpoints yet.'));
    }
    const chosen = wanted ?? endpoints[0]!.name;
    const endpointSelect = h(
      'select',
      { id: 'metrics-endpoint', onchange: () => ctx.navigate(`#/metrics/${encodeURIComponent(endpointSelect.value)}`) },
      endpoints.map((e) => h('option', { value: e.name, selected: e.name === chosen }, e.name)),
    );
    const windowSelect = h(
      'select',
      { id: 'metrics-window', onchange: () => ((windowIndex = Number(windowSelect.value)), void refresh()) },
      WINDOWS.map((w, i) => h('option', { value: String(i), selected: i === windowIndex }, w.label)),
    );
    const live = h('input', { type: 'checkbox', id: 'metrics-live', checked: true });
    const status = h('p', { class: 'muted', role: 'status' });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const grid = h('div', { class: 'charts' });
    const charts: Charts = new Map();

    const refresh = async () => {
      const w = WINDOWS[Number(windowSelect.value)]!;
      const until = Math.floor(Date.now() / 1000);
      const query = `since=${until - w.seconds}&until=${until}&step=${w.step}`;
      try {
        const m = await json<Metrics>('GET', `/admin/v1/endpoints/${encodeURIComponent(chosen)}/metrics?${query}`, {
          key: ctx.session.key,
          signal: ctx.signal,
        });
        error.hidden = true;
        draw(m, grid, charts);
        status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
      } catch (err) {
        if (ctx.signal.aborted) return;
        error.textContent = nextStep(err);
        error.hidden = false;
      }
    };
    const timer = setInterval(() => {
      if (live.checked) void refresh();
    }, REFRESH_MS);
    const resize = new ResizeObserver(() => {
      for (const { plot, target } of charts.values()) plot.setSize(size(target));
    });
    resize.observe(grid);
    ctx.signal.addEventListener('abort', () => {
      clearInterval(timer);
      resize.disconnect();
      for (const { plot } of charts.values()) plot.destroy();
    });
    await refresh();
    return h(
      'div',
      { class: 'page metrics' },
      h('h1', null, 'Metrics'),
      h(
        'div',
        { class: 'toolbar' },
        h('label', { for: 'metrics-endpoint' }, 'Endpoint'),
        endpointSelect,
        h('label', { for: 'metrics-window' }, 'Window'),
        windowSelect,
        h('label', { class: 'check' }, live, ' Live (every 10 s)'),
      ),
      status,
      error,
      grid,
    );
  },
};

/** How many endpoints' metrics the not-found view links to (the endpoints list has them all). */
const MAX_LINKS = 20;

/** `#/metrics/<name>` for an endpoint without metrics here: unknown, or only shared with this tenant. */
function noMetrics(name: string, endpoints: EndpointView[], shared: boolean): HTMLElement {
  const code = h('code', null, name);
  const what = shared
    ? ['Endpoint ', code, ' is shared with your tenant: its metrics belong to the tenant that owns it.']
    : ['There is no endpoint named ', code, ' that you may see, so it has no metrics.'];
  const others = endpoints.slice(0, MAX_LINKS);
  return missing(
    'Metrics',
    what,
    [['#/endpoints', 'All endpoints']],
    others.length
      ? h(
          'nav',
          { 'aria-label': 'Metrics of other endpoints' },
          h('p', null, 'Metrics of the endpoints that exist:'),
          h(
            'ul',
            { class: 'metrics-links' },
            others.map((e) => h('li', null, h('a', { href: `#/metrics/${encodeURIComponent(e.name)}` }, e.name))),
          ),
          endpoints.length > others.length
            ? h('p', { class: 'hint' }, `and ${endpoints.length - others.length} more, under All endpoints.`)
            : null,
        )
      : h('p', { class: 'muted' }, 'No endpoint has metrics yet.'),
  );
}

type Charts = Map<string, { plot: uPlot; box: HTMLElement; target: HTMLElement; labels: string }>;

/** The chart's size: its box's width (before the page is attached, a sensible default), a fixed height. */
function size(target: HTMLElement): { width: number; height: number } {
  return { width: target.clientWidth > 0 ? target.clientWidth : 560, height: 200 };
}

/** Draws (or updates) every chart; each chart's box says what it shows (`data-max`, `data-points` above zero, `data-sum`). */
function draw(m: Metrics, grid: HTMLElement, charts: Charts): void {
  for (const spec of CHARTS) {
    const series = spec.series(m);
    const data: uPlot.AlignedData = [m.timestamps, ...series.map((s) => s.values)];
    const labels = series.map((s) => s.label).join('\u0000');
    let chart = charts.get(spec.id);
    if (chart && chart.labels !== labels) {
      chart.plot.destroy();
      chart.box.remove();
      chart = undefined;
      charts.delete(spec.id);
    }
    if (!chart) {
      const target = h('div', { class: 'chart' });
      const box = h(
        'section',
        { class: 'card chart-card', 'data-chart': spec.id },
        h('h2', null, spec.title),
        h(
          'p',
          { class: 'muted chart-empty', hidden: true },
          'No data in this window: no request reached the endpoint.',
        ),
        target,
      );
      grid.appendChild(box);
      const plot = new uPlot(
        {
          ...size(target),
          // Points as well as lines: a minute with traffic between quiet ones is a single point.
          series: [
            {},
            ...series.map((s, i) => ({
              label: s.label,
              stroke: COLORS[i % COLORS.length],
              width: 2,
              spanGaps: false,
              points: { show: true, size: 5 },
            })),
          ],
          axes: [{}, { label: spec.unit, size: 60 }],
          scales: { x: { time: true }, ...(spec.range ? { y: { range: spec.range } } : {}) },
          legend: { show: true },
        },
        data,
        target,
      );
      chart = { plot, box, target, labels };
      charts.set(spec.id, chart);
    } else {
      chart.plot.setData(data);
    }
    const values = series
      .flatMap((s) => s.values)
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    chart.box.dataset.max = String(values.length ? Math.max(...values) : 0);
    chart.box.dataset.points = String(values.filter((v) => v > 0).length);
    chart.box.dataset.sum = String(values.reduce((a, v) => a + v, 0));
    // Latency, time to first token and origin shares have no value at all without traffic: say so, not a blank box.
    chart.box.querySelector<HTMLElement>('.chart-empty')!.hidden = values.length > 0;
  }
}
