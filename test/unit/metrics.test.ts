import { describe, expect, it } from 'vitest';
import { MetricsBatch } from '../../src/metrics/batch';
import { bucketIndex, LATENCY_BUCKETS_MS, quantile } from '../../src/metrics/buckets';
import { GapTimer } from '../../src/metrics/gap-timer';
import { renderPrometheus } from '../../src/metrics/prometheus';

describe('histogram quantiles', () => {
  it('lands within one bucket of the exact quantile for many distributions', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let round = 0; round < 50; round++) {
      const scale = 10 ** (1 + random() * 4);
      const values = Array.from({ length: 200 }, () => random() * random() * scale).sort((a, b) => a - b);
      const counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
      for (const v of values) counts[bucketIndex(LATENCY_BUCKETS_MS, v)]!++;
      for (const q of [0.5, 0.95, 0.99]) {
        const exact = values[Math.ceil(q * values.length) - 1]!;
        const estimate = quantile(LATENCY_BUCKETS_MS, counts, q)!;
        expect(
          Math.abs(bucketIndex(LATENCY_BUCKETS_MS, estimate) - bucketIndex(LATENCY_BUCKETS_MS, exact)),
        ).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is null without samples, and the last bound in the +Inf bucket', () => {
    expect(quantile([10, 20], [0, 0, 0], 0.5)).toBeNull();
    expect(quantile([10, 20], [0, 0, 4], 0.5)).toBe(20);
    expect(quantile([10, 20], [2, 2, 0], 0.5)).toBe(10);
    expect(quantile([10, 20], [2, 2, 0], 0.75)).toBe(15);
  });
});

describe('an isolate batch', () => {
  it('adds up counters and spreads a request’s in-flight time over the minutes it spans', () => {
    const b = new MetricsBatch('iso');
    const start = Date.UTC(2026, 10, 30, 10, 0, 50);
    for (let i = 0; i < 2; i++) {
      b.request({
        endpoint: 'e',
        entity: 'a',
        outcome: 'completed',
        status: 200,
        startedAt: start,
        durationMs: 20_000,
        ttftMs: 40,
        promptTokens: 3,
        completionTokens: 10,
        attempts: 2,
      });
    }
    const [flush, ...rest] = b.take();
    expect(rest).toHaveLength(0);
    expect(flush!.flushId).toBe('iso:1:e');
    const get = (minute: number, series: string) => flush!.rows.find((r) => r[0] === minute && r[2] === series)?.[3];
    const m0 = Date.UTC(2026, 10, 30, 10, 0);
    const m1 = m0 + 60_000;
    expect(get(m1, 'req:completed:2xx')).toBe(2);
    expect(get(m0, 'busy_ms')).toBe(2 * 10_000);
    expect(get(m1, 'busy_ms')).toBe(2 * 10_000);
    expect(get(m1, 'failover')).toBe(2);
    expect(get(m1, 'completion_tokens')).toBe(20);
    expect(get(m1, `latency:${bucketIndex(LATENCY_BUCKETS_MS, 20_000)}`)).toBe(2);
    expect(b.take()).toEqual([]);
  });

  it('times gaps between chunks', () => {
    const g = new GapTimer();
    for (const t of [1000, 1003, 1013, 1513]) g.tick(t);
    expect(g.sumMs).toBe(513);
    expect(g.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('Prometheus text', () => {
  it('escapes label values and keeps histogram buckets cumulative', () => {
    const text = renderPrometheus([
      {
        endpoint: 'e"\\\n',
        totals: [
          ['a', 'latency:0', 1],
          ['a', 'latency:2', 2],
          ['a', 'latency_sum', 100],
          ['', 'refusal:rate', 4],
        ],
        lastMinuteBusy: [['a', 'busy_ms', 30_000]],
        health: [],
      },
    ]);
    expect(text).toContain('router_refusals_total{endpoint="e\\"\\\\\\n",reason="rate"} 4\n');
    expect(text).toContain(
      'router_request_duration_seconds_bucket{endpoint="e\\"\\\\\\n",served_entity="a",le="0.025"} 1\n',
    );
    expect(text).toContain('le="0.05"} 1\n');
    expect(text).toContain('le="0.1"} 3\n');
    expect(text).toContain('le="+Inf"} 3\n');
    expect(text).toContain('router_request_duration_seconds_sum{endpoint="e\\"\\\\\\n",served_entity="a"} 0.100000\n');
    expect(text).toContain('router_in_flight_requests{endpoint="e\\"\\\\\\n",served_entity="a"} 0.500000\n');
  });
});
