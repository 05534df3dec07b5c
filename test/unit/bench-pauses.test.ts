// The bench's pause finder (scripts/bench/pauses.ts): a moment when every request in
// flight waited together, told apart from requests that were each a little slow.

import { describe, expect, it } from 'vitest';
import { addPauses, findPauses, NO_PAUSES, type Timed } from '../../scripts/bench/pauses.ts';

/** A closed loop at `c` with every request taking `ms`, back to back, for `n` requests. */
function steady(c: number, n: number, ms: number): Timed[] {
  const out: Timed[] = [];
  for (let i = 0; i < n; i++) out.push({ at: Math.floor(i / c) * ms, ms });
  return out;
}

describe('findPauses', () => {
  it('finds none in a steady round', () => {
    expect(findPauses(steady(16, 1600, 10), 16)).toEqual({ requests: 1600, pauses: 0, excessMs: [], caught: 0 });
  });

  it('finds one pause when every request in flight ends late together', () => {
    const round = steady(16, 1600, 10);
    // The 16 requests sent at t=500 are held 120 ms by one pause and end within a few ms of each other.
    for (const r of round) if (r.at === 500) r.ms = 120 + (round.indexOf(r) % 4);
    const stats = findPauses(round, 16);
    expect(stats.pauses).toBe(1);
    expect(stats.caught).toBe(16);
    expect(stats.excessMs).toEqual([113]);
  });

  it('does not count slow requests scattered in time as a pause', () => {
    const round = steady(16, 1600, 10);
    // One slow request every 100 ms: as many late requests as a pause, never together.
    round.forEach((r, i) => {
      if (i % 160 === 0) r.ms = 60;
    });
    expect(findPauses(round, 16).pauses).toBe(0);
  });

  it('tells two pauses apart', () => {
    const round = steady(8, 800, 10);
    for (const r of round) if (r.at === 200 || r.at === 700) r.ms = 90;
    const stats = findPauses(round, 8);
    expect(stats.pauses).toBe(2);
    expect(stats.caught).toBe(16);
  });

  it('takes a few ms of jitter on a sub-ms median for no pause', () => {
    const round = steady(16, 1600, 0.8);
    for (const r of round) if (r.at === 40) r.ms = 3.5;
    expect(findPauses(round, 16).pauses).toBe(0);
  });

  it('reports nothing at C=1, where a pause is one slow request', () => {
    const round = steady(1, 100, 10);
    round[50]!.ms = 200;
    expect(findPauses(round, 1).pauses).toBe(0);
  });

  it('adds rounds up', () => {
    const a = { requests: 10, pauses: 1, excessMs: [50], caught: 8 };
    const b = { requests: 20, pauses: 2, excessMs: [30, 70], caught: 12 };
    expect(addPauses(addPauses(NO_PAUSES, a), b)).toEqual({
      requests: 30,
      pauses: 3,
      excessMs: [50, 30, 70],
      caught: 20,
    });
  });
});
