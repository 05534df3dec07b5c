import { z } from 'zod';

const counts = z.array(z.number()).meta({ description: 'One value per step' });
const maybe = z
  .array(z.number().nullable())
  .meta({ description: 'One value per step; null where there were no samples' });

const Quantiles = z.object({
  p50: maybe,
  p95: maybe,
  p99: maybe,
  window: z.object({
    count: z.number(),
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    p99: z.number().nullable(),
    counts: z
      .array(z.number())
      .meta({ description: 'Samples per bucket over the whole window (bounds in `buckets`, then +Inf)' }),
  }),
});

const SeriesFields = {
  requests: z
    .record(z.string(), counts)
    .meta({ description: 'Relayed requests by outcome: completed, failed, aborted' }),
  status: z.record(z.string(), counts).meta({ description: 'Relayed requests by status class: 2xx … 5xx' }),
  refusals: z.record(z.string(), counts).meta({
    description:
      'Endpoint-wide only: refusals by reason (concurrency, rate, auth, validation, no_healthy_origin, stopped, other)',
  }),
  errors: counts.meta({ description: 'Failed requests plus refusals' }),
  latency_ms: Quantiles,
  ttft_ms: Quantiles,
  inter_token_gap_ms: Quantiles,
  prompt_tokens: counts,
  completion_tokens: counts,
  tokens_per_second: counts.meta({ description: 'Completion tokens per second of wall time' }),
  decode_tokens_per_second: maybe.meta({
    description: 'Completion tokens per second of generation (first token to end)',
  }),
  in_flight: counts.meta({ description: 'Mean requests in flight over the step' }),
  failovers: counts,
};

export const EndpointMetricsObject = z.object({
  object: z.literal('endpoint.metrics'),
  endpoint: z.string(),
  since: z.iso.datetime(),
  until: z.iso.datetime(),
  step: z.number().int().meta({ description: 'Seconds per point' }),
  resolution: z
    .enum(['minute', 'hour'])
    .meta({ description: 'minute buckets (last 7 days) or hour buckets (last 90 days)' }),
  timestamps: z.array(z.number()).meta({ description: 'Start of each step, Unix seconds' }),
  buckets: z.object({
    latency_ms: z.array(z.number()),
    ttft_ms: z.array(z.number()),
    inter_token_gap_ms: z.array(z.number()),
  }),
  total: z.object(SeriesFields),
  served_entities: z.array(z.object({ name: z.string(), ...SeriesFields })),
  origins: z.array(
    z.object({
      served_entity: z.string(),
      origin: z.string().meta({ description: 'Origin URL without credentials or query' }),
      attempts: counts,
      failures: counts,
      ejections: counts,
    }),
  ),
});

export const PrometheusText = z.string().meta({ description: 'Prometheus text exposition format 0.0.4' });
