// Percentile summaries of latency samples (milliseconds).

export interface Summary {
  n: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export const EMPTY: Summary = { n: 0, mean: NaN, min: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN };

/** The q-quantile (0..1) of an ascending array, linearly interpolated between ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { ...EMPTY };
  const sorted = Float64Array.from(samples).sort();
  const arr = Array.from(sorted);
  let sum = 0;
  for (const v of arr) sum += v;
  return {
    n: arr.length,
    mean: sum / arr.length,
    min: arr[0]!,
    p50: quantile(arr, 0.5),
    p90: quantile(arr, 0.9),
    p99: quantile(arr, 0.99),
    max: arr[arr.length - 1]!,
  };
}

export interface Added {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

/** Per-percentile difference `through − direct` (the latency the router adds at that percentile). */
export function added(through: Summary, direct: Summary): Added {
  return {
    p50: through.p50 - direct.p50,
    p90: through.p90 - direct.p90,
    p99: through.p99 - direct.p99,
    mean: through.mean - direct.mean,
  };
}

/** Rounds for JSON output (3 decimals = microseconds), keeping NaN as null. */
export function round(v: number, digits = 3): number | null {
  if (!Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
