// Pauses: moments when every request in flight waited together. In one closed-loop round
// at concurrency C, a pause of the target's thread (a garbage collection, a long
// synchronous task) holds all C requests at once, so they finish late and within a few ms
// of each other. Percentiles alone cannot tell that from requests that are each a little
// slow; at C=64 a single 200 ms pause is 64 late requests, and two of them in 6,000
// requests decide p99. These figures say how often a target paused and for how long.

import { quantile } from './stats.ts';

/** One request of a round: when it was sent and how long it took (ms, one clock). */
export interface Timed {
  at: number;
  ms: number;
}

export interface PauseStats {
  /** Requests looked at. */
  requests: number;
  /** Pauses found. */
  pauses: number;
  /** Per pause: how much longer than the round's median its slowest request took (ms). */
  excessMs: number[];
  /** Requests caught in a pause. */
  caught: number;
}

/** Late: slower than this many times the round's median, and by at least MIN_EXCESS_MS. */
const LATE_FACTOR = 2;
/** A few ms of jitter on a sub-ms median is not a pause. */
const MIN_EXCESS_MS = 5;
/** Requests that end within this many ms of the previous late one belong to the same pause. */
const SAME_PAUSE_MS = 15;

/**
 * Finds the pauses in one round run at `concurrency`: groups of late requests (over twice
 * the round's median, and 5 ms over it) that ended within SAME_PAUSE_MS of each other, at least half the
 * concurrency strong and at least 4 (at C=1 a pause cannot be told from one slow request,
 * and no pause is reported).
 */
export function findPauses(round: readonly Timed[], concurrency: number): PauseStats {
  const out: PauseStats = { requests: round.length, pauses: 0, excessMs: [], caught: 0 };
  const needed = Math.max(4, Math.ceil(concurrency / 2));
  if (round.length === 0 || concurrency < 2) return out;
  const median = quantile(
    round.map((r) => r.ms).sort((a, b) => a - b),
    0.5,
  );
  const late = round
    .filter((r) => r.ms > Math.max(median * LATE_FACTOR, median + MIN_EXCESS_MS))
    .map((r) => ({ end: r.at + r.ms, ms: r.ms }))
    .sort((a, b) => a.end - b.end);
  let group: Array<{ end: number; ms: number }> = [];
  const close = () => {
    if (group.length >= needed) {
      out.pauses++;
      out.caught += group.length;
      out.excessMs.push(Math.max(...group.map((g) => g.ms)) - median);
    }
    group = [];
  };
  for (const r of late) {
    const last = group[group.length - 1];
    if (last && r.end - last.end > SAME_PAUSE_MS) close();
    group.push(r);
  }
  close();
  return out;
}

/** Adds one round's figures to a running total. */
export function addPauses(into: PauseStats, round: PauseStats): PauseStats {
  return {
    requests: into.requests + round.requests,
    pauses: into.pauses + round.pauses,
    excessMs: [...into.excessMs, ...round.excessMs],
    caught: into.caught + round.caught,
  };
}

export const NO_PAUSES: PauseStats = { requests: 0, pauses: 0, excessMs: [], caught: 0 };
