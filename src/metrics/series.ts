import { BUCKETS, GAP_BUCKETS_MS, LATENCY_BUCKETS_MS, quantile, TTFT_BUCKETS_MS, type HistogramName } from './buckets';
import type { SeriesRow } from './endpoint-metrics';
import { OUTCOMES, REFUSAL_REASONS, STATUS_CLASSES } from './series-keys';

/** A histogram over time: p50/p95/p99 per step (null: no samples), and over the whole window. */
export interface QuantileSeries {
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  window: { count: number; p50: number | null; p95: number | null; p99: number | null; counts: number[] };
}

export interface Series {
  requests: Record<string, number[]>;
  status: Record<string, number[]>;
  refusals: Record<string, number[]>;
  /** Failed requests plus refusals, per step. */
  errors: number[];
  latency_ms: QuantileSeries;
  ttft_ms: QuantileSeries;
  inter_token_gap_ms: QuantileSeries;
  prompt_tokens: number[];
  completion_tokens: number[];
  /** Completion tokens per second of wall time (throughput). */
  tokens_per_second: number[];
  /** Completion tokens per second of generation (first token to end), per request on average. */
  decode_tokens_per_second: (number | null)[];
  /** Mean requests in flight over the step. */
  in_flight: number[];
  failovers: number[];
}

export interface OriginSeries {
  served_entity: string;
  origin: string;
  attempts: number[];
  failures: number[];
  ejections: number[];
}

/** Step-summed counters of one endpoint, indexed by step, entity and series name. */
class Grid {
  private readonly cells = new Map<string, number[]>();

  constructor(
    readonly steps: number,
    private readonly since: number,
    private readonly stepMs: number,
  ) {}

  add(row: SeriesRow): void {
    const [t, entity, series, value] = row;
    const i = Math.floor((t - this.since) / this.stepMs);
    if (i < 0 || i >= this.steps) return;
    for (const e of entity === '' ? [''] : [entity, '\u0000total']) {
      const key = `${e}\u0000${series}`;
      let arr = this.cells.get(key);
      if (!arr) {
        arr = new Array<number>(this.steps).fill(0);
        this.cells.set(key, arr);
      }
      arr[i]! += value;
    }
  }

  get(entity: string, series: string): number[] {
    return this.cells.get(`${entity}\u0000${series}`) ?? new Array<number>(this.steps).fill(0);
  }

  /** Series names seen for an entity that start with `prefix`. */
  names(entity: string, prefix: string): string[] {
    const head = `${entity}\u0000${prefix}`;
    return [...this.cells.keys()].filter((k) => k.startsWith(head)).map((k) => k.slice(entity.length + 1));
  }
}

const sumOf = (arrays: number[][], steps: number): number[] =>
  arrays.reduce((acc, a) => acc.map((v, i) => v + a[i]!), new Array<number>(steps).fill(0));

function quantiles(grid: Grid, entity: string, name: HistogramName): QuantileSeries {
  const bounds = BUCKETS[name];
  const perBucket = bounds
    .map((_, i) => grid.get(entity, `${name}:${i}`))
    .concat([grid.get(entity, `${name}:${bounds.length}`)]);
  const at = (i: number) => perBucket.map((b) => b[i]!);
  const series = (q: number) => Array.from({ length: grid.steps }, (_, i) => round(quantile(bounds, at(i), q)));
  const counts = perBucket.map((b) => b.reduce((a, v) => a + v, 0));
  return {
    p50: series(0.5),
    p95: series(0.95),
    p99: series(0.99),
    window: {
      count: counts.reduce((a, v) => a + v, 0),
      p50: round(quantile(bounds, counts, 0.5)),
      p95: round(quantile(bounds, counts, 0.95)),
      p99: round(quantile(bounds, counts, 0.99)),
      counts,
    },
  };
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 100) / 100;
}

function seriesOf(grid: Grid, entity: string, stepMs: number, withRefusals: boolean): Series {
  const steps = grid.steps;
  const requests: Record<string, number[]> = {};
  const status: Record<string, number[]> = {};
  for (const o of OUTCOMES)
    requests[o] = sumOf(
      STATUS_CLASSES.map((s) => grid.get(entity, `req:${o}:${s}`)),
      steps,
    );
  for (const s of STATUS_CLASSES)
    status[s] = sumOf(
      OUTCOMES.map((o) => grid.get(entity, `req:${o}:${s}`)),
      steps,
    );
  const refusals: Record<string, number[]> = {};
  if (withRefusals) for (const r of REFUSAL_REASONS) refusals[r] = grid.get('', `refusal:${r}`);
  const completion = grid.get(entity, 'completion_tokens');
  const genMs = grid.get(entity, 'gen_ms');
  const perSecond = stepMs / 1000;
  return {
    requests,
    status,
    refusals,
    errors: sumOf([requests.failed!, ...Object.values(refusals)], steps),
    latency_ms: quantiles(grid, entity, 'latency'),
    ttft_ms: quantiles(grid, entity, 'ttft'),
    inter_token_gap_ms: quantiles(grid, entity, 'gap'),
    prompt_tokens: grid.get(entity, 'prompt_tokens'),
    completion_tokens: completion,
    tokens_per_second: completion.map((n) => round(n / perSecond)!),
    decode_tokens_per_second: completion.map((n, i) => (genMs[i]! > 0 ? round(n / (genMs[i]! / 1000)) : null)),
    in_flight: grid.get(entity, 'busy_ms').map((ms) => round(ms / stepMs)!),
    failovers: grid.get(entity, 'failover'),
  };
}

export interface MetricsView {
  timestamps: number[];
  buckets: { latency_ms: readonly number[]; ttft_ms: readonly number[]; inter_token_gap_ms: readonly number[] };
  total: Series;
  served_entities: (Series & { name: string })[];
  origins: OriginSeries[];
}

/**
 * The admin API's view of an endpoint's metrics: one value per step for the whole
 * endpoint (`total`) and per served entity, percentiles read from the summed
 * histograms, and attempts per origin.
 */
export function metricsView(
  rows: SeriesRow[],
  since: number,
  stepMs: number,
  steps: number,
  entities: string[],
): MetricsView {
  const grid = new Grid(steps, since, stepMs);
  for (const row of rows) grid.add(row);
  const seen = new Set(entities);
  for (const [, entity] of rows) if (entity !== '') seen.add(entity);
  const names = [...seen];
  const origins: OriginSeries[] = [];
  for (const entity of names) {
    const urls = new Set(
      [...grid.names(entity, 'attempt:'), ...grid.names(entity, 'eject:')].map((s) =>
        s.replace(/^(attempt:(ok|failed)|eject):/, ''),
      ),
    );
    for (const origin of urls) {
      const ok = grid.get(entity, `attempt:ok:${origin}`);
      const failed = grid.get(entity, `attempt:failed:${origin}`);
      origins.push({
        served_entity: entity,
        origin,
        attempts: ok.map((v, i) => v + failed[i]!),
        failures: failed,
        ejections: grid.get(entity, `eject:${origin}`),
      });
    }
  }
  return {
    timestamps: Array.from({ length: steps }, (_, i) => (since + i * stepMs) / 1000),
    buckets: { latency_ms: LATENCY_BUCKETS_MS, ttft_ms: TTFT_BUCKETS_MS, inter_token_gap_ms: GAP_BUCKETS_MS },
    total: seriesOf(grid, '\u0000total', stepMs, true),
    served_entities: names.map((name) => ({ name, ...seriesOf(grid, name, stepMs, false) })),
    origins,
  };
}
