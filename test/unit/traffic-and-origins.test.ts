import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/endpoints/schema';
import { pickServedEntity } from '../../src/endpoints/traffic';
import { OutlierDetector } from '../../src/origins/outlier-detector';
import { originUrl } from '../../src/origins/origin-url';
import { selectOrigins } from '../../src/origins/select';

const entity = (name: string) => ({
  name,
  protocol: 'openai' as const,
  model: 'm',
  origins: [{ url: `http://${name}` }],
});
const endpoint = {
  served_entities: [entity('a'), entity('b'), entity('c')],
  traffic: [
    { served_entity: 'a', percentage: 70 },
    { served_entity: 'b', percentage: 30 },
    { served_entity: 'c', percentage: 0 },
  ],
} as unknown as Endpoint;

describe('pickServedEntity', () => {
  it('maps the roll onto the cumulative percentages', () => {
    expect(pickServedEntity(endpoint, 0).name).toBe('a');
    expect(pickServedEntity(endpoint, 69.99).name).toBe('a');
    expect(pickServedEntity(endpoint, 70).name).toBe('b');
    expect(pickServedEntity(endpoint, 99.99).name).toBe('b');
  });

  it('never picks an entity with 0 %', () => {
    const seen = new Set<string>();
    for (let roll = 0; roll < 100; roll += 0.5) seen.add(pickServedEntity(endpoint, roll).name);
    expect([...seen].sort()).toEqual(['a', 'b']);
  });
});

describe('selectOrigins', () => {
  const origins = [{ url: 'http://x' }, { url: 'http://y', weight: 3 }, { url: 'http://z' }];
  const fresh = () => ({ health: new Map(), outliers: new OutlierDetector() });

  it('puts the origin with the fewest outstanding requests first', () => {
    const sel = fresh();
    sel.outliers.start('http://x', 'm', 1);
    sel.outliers.start('http://y', 'm', 2);
    expect(selectOrigins(origins, 'm', sel)[0]!.url).toBe('http://z');
  });

  it('breaks ties by a weighted draw, so idle origins share traffic by weight', () => {
    const counts: Record<string, number> = {};
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 5000; i++) {
      const first = selectOrigins(origins, 'm', { ...fresh(), random })[0]!.url;
      counts[first] = (counts[first] ?? 0) + 1;
    }
    expect(counts['http://y']! / 5000).toBeGreaterThan(0.5);
    expect(counts['http://y']! / 5000).toBeLessThan(0.7);
    expect(counts['http://x']).toBeGreaterThan(500);
  });

  it('leaves out origins the probe marked down recently, and counts an old mark no more', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const health = new Map([
      [
        'http://x',
        { url: 'http://x', healthy: false, checked_at: '2026-01-01T00:09:30Z', source: 'probe' as const, detail: '' },
      ],
      [
        'http://z',
        { url: 'http://z', healthy: false, checked_at: '2026-01-01T00:05:00Z', source: 'probe' as const, detail: '' },
      ],
    ]);
    const urls = selectOrigins(origins, 'm', { health, outliers: new OutlierDetector() }, now)
      .map((o) => o.url)
      .sort();
    expect(urls).toEqual(['http://y', 'http://z']);
  });

  it('leaves out an ejected origin while others are left, and routes to it anyway when it is the last (panic mode)', () => {
    const sel = fresh();
    const t0 = 1_000_000;
    for (let request = 1; request <= 5; request++)
      sel.outliers.start('http://x', 'm', request, t0).failed('model', ['http://x', 'http://y', 'http://z'], t0);
    expect(sel.outliers.ejected('http://x', 'm', t0)).toBe(true);
    expect(selectOrigins(origins, 'm', sel, t0 + 1).map((o) => o.url)).not.toContain('http://x');
    // Another model on the same server is not affected.
    expect(selectOrigins(origins, 'other', sel, t0 + 1).map((o) => o.url)).toContain('http://x');
    expect(selectOrigins([{ url: 'http://x' }], 'm', sel, t0 + 1).map((o) => o.url)).toEqual(['http://x']);
  });

  it('keeps a session on one origin while it is healthy', () => {
    const sel = fresh();
    const pick = (key: string) => selectOrigins(origins, 'm', { ...sel, affinityKey: key })[0]!.url;
    const first = pick('user-42');
    for (let i = 0; i < 10; i++) {
      sel.outliers.start('http://x', 'm', i);
      expect(pick('user-42')).toBe(first);
    }
    const spread = new Set(Array.from({ length: 50 }, (_, i) => pick(`user-${i}`)));
    expect(spread.size).toBe(3);
  });

  it('joins base URLs with path prefixes', () => {
    expect(originUrl('http://h:1/mode/slow/', '/v1/completions')).toBe('http://h:1/mode/slow/v1/completions');
  });
});
