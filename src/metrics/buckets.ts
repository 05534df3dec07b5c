/**
 * Fixed histogram buckets (upper bounds, in ms; the last bucket is +Inf). Fixed so
 * that counts from any isolate and any minute add up, and percentiles can be read
 * from the sums.
 */
export const LATENCY_BUCKETS_MS = [
  25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000,
] as const;
export const TTFT_BUCKETS_MS = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000] as const;
export const GAP_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 5_000] as const;

export type HistogramName = 'latency' | 'ttft' | 'gap';

export const BUCKETS: Record<HistogramName, readonly number[]> = {
  latency: LATENCY_BUCKETS_MS,
  ttft: TTFT_BUCKETS_MS,
  gap: GAP_BUCKETS_MS,
};

/** Index of the bucket a value falls in: the first bound ≥ value, or the +Inf bucket. */
export function bucketIndex(bounds: readonly number[], value: number): number {
  for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]!) return i;
  return bounds.length;
}

/**
 * The q-quantile (0 < q ≤ 1) of a histogram (per-bucket counts, not cumulative),
 * interpolated linearly inside the bucket it falls in, as Prometheus'
 * histogram_quantile does. Null without samples. In the +Inf bucket: the last bound.
 */
export function quantile(bounds: readonly number[], counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      if (i >= bounds.length) return bounds[bounds.length - 1]!;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      return lower + (bounds[i]! - lower) * ((rank - seen) / n);
    }
    seen += n;
  }
  return bounds[bounds.length - 1]!;
}
