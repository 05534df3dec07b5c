// How much each section measures: the full run and the smoke run (a few seconds, same code paths).

export interface Plan {
  name: 'full' | 'smoke';
  /** Upper bound on one measured point (a slow harness gets fewer samples rather than a run of hours). */
  maxPointMs: number;
  client: { requests: number; warmup: number };
  latency: { concurrency: number[]; requests: Record<number, number>; warmup: number; rounds: number };
  floor: { concurrency: number[]; requests: number; warmup: number };
  ttft: { concurrency: number[]; requests: number; warmup: number };
  /** TTFT through the router with and without an input guard (alternating rounds). */
  guard: { concurrency: number[]; requests: number; warmup: number; rounds: number };
  gaps: { gapMs: number; runs: Array<{ concurrency: number; streams: number }> };
  throughput: { steps: number[]; durationMs: number; warmupPerWorker: number };
  admission: { held: number[]; concurrency: number[]; requests: number; probeHeld: number[]; probeN: number };
  scaling: { keys: number[]; concurrency: number; requests: number; warmup: number };
  /**
   * The side-by-side comparison (issue 12): per round and target, `requests[C]` non-streaming
   * requests and `streams[C]` fast streams at each concurrency; `slowStreams` streams of a model
   * writing one token every `gaps.gapMs` at `slowConcurrency`; `longStreams` 1,000-token streams.
   */
  compare: {
    concurrency: number[];
    rounds: number;
    /** Upper bound on one target's round (a loaded machine gets fewer samples, not a run of an hour). */
    roundMs: number;
    requests: Record<number, number>;
    streams: Record<number, number>;
    slowConcurrency: number;
    slowStreams: number;
    longConcurrency: number;
    longStreams: number;
    slowRounds: number;
  };
}

export const FULL: Plan = {
  name: 'full',
  maxPointMs: 20_000,
  client: { requests: 2000, warmup: 200 },
  latency: { concurrency: [1, 16, 64], requests: { 1: 2000, 16: 6000, 64: 6000 }, warmup: 300, rounds: 2 },
  floor: { concurrency: [1, 16], requests: 2000, warmup: 200 },
  ttft: { concurrency: [1, 16], requests: 1000, warmup: 100 },
  guard: { concurrency: [1, 16], requests: 1000, warmup: 100, rounds: 2 },
  gaps: {
    gapMs: 20,
    runs: [
      { concurrency: 1, streams: 20 },
      { concurrency: 16, streams: 160 },
    ],
  },
  throughput: { steps: [1, 2, 4, 8, 16, 32, 64, 128], durationMs: 3000, warmupPerWorker: 10 },
  admission: { held: [0, 10, 100], concurrency: [1, 16], requests: 600, probeHeld: [0, 10, 100, 1000], probeN: 200 },
  scaling: { keys: [1, 10, 1000], concurrency: 16, requests: 6000, warmup: 300 },
  compare: {
    concurrency: [1, 16, 64],
    rounds: 3,
    roundMs: 8_000,
    requests: { 1: 700, 16: 2000, 64: 2000 },
    streams: { 1: 400, 16: 1000, 64: 1000 },
    slowConcurrency: 64,
    slowStreams: 256,
    longConcurrency: 2,
    longStreams: 12,
    slowRounds: 2,
  },
};

export const SMOKE: Plan = {
  name: 'smoke',
  maxPointMs: 1_500,
  client: { requests: 30, warmup: 5 },
  latency: { concurrency: [1, 16, 64], requests: { 1: 40, 16: 64, 64: 128 }, warmup: 10, rounds: 1 },
  floor: { concurrency: [1], requests: 30, warmup: 5 },
  ttft: { concurrency: [1], requests: 20, warmup: 5 },
  guard: { concurrency: [1], requests: 20, warmup: 5, rounds: 1 },
  gaps: {
    gapMs: 5,
    runs: [
      { concurrency: 1, streams: 2 },
      { concurrency: 4, streams: 4 },
    ],
  },
  throughput: { steps: [1, 4, 16], durationMs: 250, warmupPerWorker: 2 },
  admission: { held: [0, 5], concurrency: [1], requests: 20, probeHeld: [0, 5], probeN: 20 },
  scaling: { keys: [1, 10, 20], concurrency: 16, requests: 64, warmup: 16 },
  compare: {
    concurrency: [1],
    rounds: 1,
    roundMs: 1_000,
    requests: { 1: 20 },
    streams: { 1: 10 },
    slowConcurrency: 8,
    slowStreams: 8,
    longConcurrency: 1,
    longStreams: 1,
    slowRounds: 1,
  },
};
