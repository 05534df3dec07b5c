import { describe, expect, it } from 'vitest';
import { requestClock } from '../../src/proxy/request-clock';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('requestClock: one timer per request', () => {
  it('runs the early callback, then the total one, each once', async () => {
    const seen: string[] = [];
    requestClock(
      10,
      () => seen.push('early'),
      40,
      () => seen.push('total'),
    );
    await sleep(25);
    expect(seen).toEqual(['early']);
    await sleep(40);
    expect(seen).toEqual(['early', 'total']);
  });

  it('runs neither for a request that ends before its early moment (a short request costs the gate no upkeep)', async () => {
    const seen: string[] = [];
    const clock = requestClock(
      20,
      () => seen.push('early'),
      40,
      () => seen.push('total'),
    );
    clock.stop();
    await sleep(60);
    expect(seen).toEqual([]);
  });

  it('stopped after the early moment, the total callback never runs', async () => {
    const seen: string[] = [];
    const clock = requestClock(
      10,
      () => seen.push('early'),
      40,
      () => seen.push('total'),
    );
    await sleep(25);
    clock.stop();
    await sleep(40);
    expect(seen).toEqual(['early']);
  });

  it('a total timeout shorter than the early moment fires alone', async () => {
    const seen: string[] = [];
    requestClock(
      50,
      () => seen.push('early'),
      10,
      () => seen.push('total'),
    );
    await sleep(70);
    expect(seen).toEqual(['total']);
  });
});
