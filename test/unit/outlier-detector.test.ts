import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTLIER_CONFIG } from '../../src/config';
import { OutlierDetector, TRIAL_TTL_MS } from '../../src/origins/outlier-detector';

const X = 'http://x';
const POOL = [X, 'http://y', 'http://z', 'http://w'];
const T0 = 1_000_000;
const { consecutiveFailures: N, baseEjectionMs: BASE, maxEjectionMs: MAX } = DEFAULT_OUTLIER_CONFIG;

/** `count` failed attempts on (url, model), each from its own request (unless `request` is given). */
function fail(
  d: OutlierDetector,
  count: number,
  opts: {
    url?: string;
    model?: string;
    kind?: 'model' | 'connect';
    request?: number;
    now?: number;
    pool?: string[];
  } = {},
): boolean {
  let ejected = false;
  for (let i = 0; i < count; i++) {
    const now = opts.now ?? T0;
    const attempt = d.start(opts.url ?? X, opts.model ?? 'a', opts.request ?? 100 + i, now);
    ejected = attempt.failed(opts.kind ?? 'model', opts.pool ?? POOL, now) || ejected;
    attempt.end();
  }
  return ejected;
}

describe('outlier detector', () => {
  it(`ejects an (origin, model) after ${N} consecutive failures, and not before`, () => {
    const d = new OutlierDetector();
    expect(fail(d, N - 1)).toBe(false);
    expect(d.available(X, 'a', T0)).toBe(true);
    expect(fail(d, 1, { request: 999 })).toBe(true);
    expect(d.available(X, 'a', T0)).toBe(false);
    expect(d.ejectedUntil(X, 'a')).toBe(T0 + BASE);
  });

  it('needs failures from more than one request', () => {
    const d = new OutlierDetector();
    expect(fail(d, N * 3, { request: 7 })).toBe(false);
    expect(d.available(X, 'a', T0)).toBe(true);
    expect(fail(d, 1, { request: 8 })).toBe(true);
  });

  it('a success in between starts the count again', () => {
    const d = new OutlierDetector();
    fail(d, N - 1);
    d.start(X, 'a', 50, T0).succeeded(T0);
    expect(fail(d, N - 1)).toBe(false);
    expect(d.available(X, 'a', T0)).toBe(true);
  });

  it('a failing model leaves the same server available for its other models', () => {
    const d = new OutlierDetector();
    fail(d, N, { model: 'broken-lora' });
    expect(d.available(X, 'broken-lora', T0)).toBe(false);
    expect(d.available(X, 'a', T0)).toBe(true);
    expect(d.available(X, 'b', T0)).toBe(true);
  });

  it('connection failures eject the server for every model; a 5xx proves it is up', () => {
    const d = new OutlierDetector();
    fail(d, N - 1, { kind: 'connect', model: 'a' });
    fail(d, 1, { model: 'b' }); // an HTTP answer: the server accepts connections
    expect(fail(d, N - 1, { kind: 'connect', model: 'a' })).toBe(false);
    expect(fail(d, 1, { kind: 'connect', model: 'c', request: 77 })).toBe(true);
    for (const model of ['a', 'b', 'c', 'anything']) expect(d.available(X, model, T0)).toBe(false);
  });

  it('never ejects more than the configured share of a pool, but always allows one', () => {
    const d = new OutlierDetector(); // 50 % of 4 = 2
    expect(fail(d, N, { url: 'http://y' })).toBe(true);
    expect(fail(d, N, { url: 'http://z' })).toBe(true);
    expect(fail(d, N, { url: 'http://w' })).toBe(false);
    expect(d.available('http://w', 'a', T0)).toBe(true);
    const single = new OutlierDetector({ ...DEFAULT_OUTLIER_CONFIG, maxEjectionPercent: 0 });
    expect(fail(single, N, { pool: [X] })).toBe(true);
  });

  it("checks the share in every pool served that holds the origin, not only the failing request's", () => {
    const d = new OutlierDetector(); // 50 %: one of two
    const shared = ['http://a', 'http://b'];
    d.notePool(shared);
    expect(fail(d, N, { url: 'http://b', pool: shared })).toBe(true);
    // A pool of one holding http://a may not eject it: the shared pool would have both origins ejected.
    expect(fail(d, N, { url: 'http://a', pool: ['http://a'] })).toBe(false);
    expect(d.available('http://a', 'a', T0)).toBe(true);
  });

  it('lets one trial through after the ejection; a failed trial ejects again for twice as long, up to the maximum', () => {
    const d = new OutlierDetector();
    fail(d, N);
    let now = T0 + BASE;
    for (let level = 2; level <= 10; level++) {
      expect(d.available(X, 'a', now)).toBe(true);
      const trial = d.start(X, 'a', 1_000 + level, now);
      expect(d.available(X, 'a', now)).toBe(false); // one trial at a time
      expect(trial.failed('model', POOL, now)).toBe(true);
      const length = Math.min(BASE * 2 ** (level - 1), MAX);
      expect(d.ejectedUntil(X, 'a')).toBe(now + length);
      now += length;
    }
    expect(d.ejectedUntil(X, 'a') - (now - MAX)).toBe(MAX);
  });

  it('a successful trial closes the scope; good health shrinks the next ejection back', () => {
    const d = new OutlierDetector();
    fail(d, N);
    d.start(X, 'a', 1, T0 + BASE).failed('model', POOL, T0 + BASE); // level 2: 2 × BASE
    const later = T0 + 3 * BASE;
    d.start(X, 'a', 2, later).succeeded(later);
    expect(d.available(X, 'a', later)).toBe(true);
    expect(d.ejectedUntil(X, 'a')).toBe(0);
    // Healthy for 5 base intervals: the level decays to 0, so the next ejection is BASE again.
    const much = later + 5 * BASE;
    fail(d, N, { now: much });
    expect(d.ejectedUntil(X, 'a')).toBe(much + BASE);
  });

  it('a trial ended by the client (or its own timeout) settles as no verdict: the next request may try', () => {
    const d = new OutlierDetector();
    fail(d, N);
    const now = T0 + BASE;
    const trial = d.start(X, 'a', 1, now);
    expect(d.available(X, 'a', now)).toBe(false);
    trial.abandoned();
    trial.end();
    expect(d.available(X, 'a', now)).toBe(true);
    expect(d.ejected(X, 'a', now)).toBe(false);
    // Abandoning again, or a late verdict, changes nothing: an attempt is settled once.
    expect(trial.failed('model', POOL, now)).toBe(false);
    expect(d.available(X, 'a', now)).toBe(true);
    d.start(X, 'a', 2, now).succeeded(now);
    expect(d.ejectedUntil(X, 'a')).toBe(0);
  });

  it(`a trial nobody settles expires after ${TRIAL_TTL_MS} ms`, () => {
    const d = new OutlierDetector();
    fail(d, N);
    const now = T0 + BASE;
    d.start(X, 'a', 1, now); // never settled
    expect(d.available(X, 'a', now + TRIAL_TTL_MS - 1)).toBe(false);
    expect(d.available(X, 'a', now + TRIAL_TTL_MS)).toBe(true);
    const next = d.start(X, 'a', 2, now + TRIAL_TTL_MS);
    next.succeeded(now + TRIAL_TTL_MS);
    expect(d.ejectedUntil(X, 'a')).toBe(0);
  });

  it('failures while ejected (panic routing) neither extend nor repeat the ejection', () => {
    const d = new OutlierDetector();
    fail(d, N);
    expect(fail(d, N * 2, { now: T0 + 1 })).toBe(false);
    expect(d.ejectedUntil(X, 'a')).toBe(T0 + BASE);
  });

  it('counts outstanding attempts per server, once each', () => {
    const d = new OutlierDetector();
    const a = d.start(X, 'a', 1);
    d.start(X, 'b', 2);
    expect(d.outstanding(X)).toBe(2);
    a.end();
    a.end();
    expect(d.outstanding(X)).toBe(1);
  });
});
