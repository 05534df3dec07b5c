import { BUCKETS, type HistogramName } from './buckets';
import type { TotalRow } from './endpoint-metrics';
import { MINUTE_MS } from './series-keys';

export interface EndpointTotals {
  endpoint: string;
  totals: TotalRow[];
  lastMinuteBusy: TotalRow[];
  /** Current origin health (1 up, 0 down) per served entity and origin label. */
  health: { served_entity: string; origin: string; healthy: boolean }[];
}

type Labels = Record<string, string>;

/** A label value escaped as the text format wants it (backslash, quote, newline). */
function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function fmt(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Family {
  readonly lines: string[] = [];
  constructor(
    readonly name: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    readonly help: string,
  ) {}
  sample(suffix: string, labels: Labels, value: number): void {
    this.lines.push(`${this.name}${suffix}${fmt(labels)} ${Number.isInteger(value) ? value : value.toFixed(6)}`);
  }
  render(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.type}\n${this.lines.join('\n')}${this.lines.length ? '\n' : ''}`;
  }
}

const HISTOGRAMS: { name: HistogramName; family: string; help: string }[] = [
  {
    name: 'latency',
    family: 'router_request_duration_seconds',
    help: 'Time from admission to the last byte of relayed requests.',
  },
  { name: 'ttft', family: 'router_time_to_first_token_seconds', help: 'Time to the first chunk of streamed answers.' },
  {
    name: 'gap',
    family: 'router_inter_token_gap_seconds',
    help: 'Gaps between consecutive chunks of streamed answers.',
  },
];

/**
 * The Prometheus text exposition format (version 0.0.4) of the endpoints' running
 * totals: counters and histograms labelled with `endpoint` and `served_entity`.
 */
export function renderPrometheus(endpoints: EndpointTotals[]): string {
  const requests = new Family(
    'router_requests_total',
    'counter',
    'Requests relayed to an origin, by outcome and HTTP status class.',
  );
  const refusals = new Family(
    'router_refusals_total',
    'counter',
    'Requests refused before reaching an origin, by reason.',
  );
  const hist = HISTOGRAMS.map((h) => ({ ...h, f: new Family(h.family, 'histogram', h.help) }));
  const prompt = new Family('router_prompt_tokens_total', 'counter', 'Prompt tokens of relayed requests.');
  const completion = new Family('router_completion_tokens_total', 'counter', 'Completion tokens of relayed requests.');
  const gen = new Family(
    'router_generation_seconds_total',
    'counter',
    'Time spent generating (first token to end); completion tokens / this = decode rate.',
  );
  const busy = new Family(
    'router_busy_seconds_total',
    'counter',
    'Request-seconds in flight; its rate is the mean number of requests in flight.',
  );
  const inFlight = new Family(
    'router_in_flight_requests',
    'gauge',
    'Mean requests in flight over the last complete minute.',
  );
  const failovers = new Family(
    'router_origin_failovers_total',
    'counter',
    'Times a request moved on to another origin attempt.',
  );
  const attempts = new Family('router_origin_attempts_total', 'counter', 'Origin attempts, by result.');
  const ejections = new Family(
    'router_origin_ejections_total',
    'counter',
    'Times an origin was ejected by its circuit breaker.',
  );
  const healthy = new Family(
    'router_origin_healthy',
    'gauge',
    '1 when the origin is healthy (last probe or passive check), else 0.',
  );
  const guardChecks = new Family(
    'router_guard_checks_total',
    'counter',
    'Guardrail checks (Llama Guard calls) by stage and outcome (pass, flag, block, error).',
  );
  const guardCategories = new Family(
    'router_guard_categories_total',
    'counter',
    'Hazard categories guardrail checks found, by stage.',
  );
  const guardSeconds = new Family(
    'router_guard_seconds_total',
    'counter',
    'Time spent in guardrail checks, by stage; / router_guard_checks_total = mean guard latency.',
  );

  for (const ep of endpoints) {
    const byEntity = new Map<string, Map<string, number>>();
    for (const [entity, series, value] of ep.totals) {
      let m = byEntity.get(entity);
      if (!m) byEntity.set(entity, (m = new Map()));
      m.set(series, value);
    }
    for (const [entity, m] of byEntity) {
      const base: Labels = { endpoint: ep.endpoint, served_entity: entity };
      for (const [series, value] of [...m].sort(([a], [b]) => a.localeCompare(b))) {
        const [head, a, ...rest] = series.split(':');
        if (head === 'req') requests.sample('', { ...base, outcome: a!, status: rest[0]! }, value);
        else if (head === 'refusal') refusals.sample('', { endpoint: ep.endpoint, reason: a! }, value);
        else if (head === 'attempt') attempts.sample('', { ...base, origin: rest.join(':'), result: a! }, value);
        else if (head === 'eject') ejections.sample('', { ...base, origin: [a, ...rest].join(':') }, value);
        else if (head === 'failover') failovers.sample('', base, value);
        else if (head === 'prompt_tokens') prompt.sample('', base, value);
        else if (head === 'completion_tokens') completion.sample('', base, value);
        else if (head === 'gen_ms') gen.sample('', base, value / 1000);
        else if (head === 'busy_ms') busy.sample('', base, value / 1000);
        else if (head === 'guard')
          guardChecks.sample('', { endpoint: ep.endpoint, stage: a!, outcome: rest[0]! }, value);
        else if (head === 'guard_cat')
          guardCategories.sample('', { endpoint: ep.endpoint, stage: a!, category: rest[0]! }, value);
        else if (head === 'guard_ms') guardSeconds.sample('', { endpoint: ep.endpoint, stage: a! }, value / 1000);
      }
      for (const h of hist) {
        const bounds = BUCKETS[h.name];
        const counts = Array.from({ length: bounds.length + 1 }, (_, i) => m.get(`${h.name}:${i}`) ?? 0);
        if (counts.every((n) => n === 0)) continue;
        // Every bucket, every time: histogram_quantile needs the same `le` set in every scrape.
        let cumulative = 0;
        counts.forEach((n, i) => {
          cumulative += n;
          h.f.sample('_bucket', { ...base, le: i < bounds.length ? String(bounds[i]! / 1000) : '+Inf' }, cumulative);
        });
        h.f.sample('_sum', base, (m.get(`${h.name}_sum`) ?? 0) / 1000);
        h.f.sample('_count', base, cumulative);
      }
    }
    for (const [entity, , value] of ep.lastMinuteBusy) {
      if (entity !== '') inFlight.sample('', { endpoint: ep.endpoint, served_entity: entity }, value / MINUTE_MS);
    }
    for (const h of ep.health) {
      healthy.sample(
        '',
        { endpoint: ep.endpoint, served_entity: h.served_entity, origin: h.origin },
        h.healthy ? 1 : 0,
      );
    }
  }
  return [
    requests,
    refusals,
    ...hist.map((h) => h.f),
    prompt,
    completion,
    gen,
    busy,
    inFlight,
    failovers,
    attempts,
    ejections,
    healthy,
    guardChecks,
    guardCategories,
    guardSeconds,
  ]
    .map((f) => f.render())
    .join('');
}
