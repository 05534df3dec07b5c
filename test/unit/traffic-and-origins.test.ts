import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/endpoints/schema';
import { pickServedEntity } from '../../src/endpoints/traffic';
import { COOLDOWN_MS, OriginBreakers } from '../../src/origins/breaker';
import { originUrl } from '../../src/origins/origin-url';
import { selectOrigins } from '../../src/origins/select';

const entity = (name: string) => ({ name, protocol: 'openai' as const, model: 'm', origins: [{ url: `http://${name}` }] });
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
  const fresh = () => ({ health: new Map(), breakers: new OriginBreakers() });

  it('puts the origin with the fewest outstanding requests first', () => {
    const sel = fresh();
    sel.breakers.start('http://x');
    sel.breakers.start('http://y');
    expect(selectOrigins(origins, sel)[0]!.url).toBe('http://z');
  });

  it('breaks ties by a weighted draw, so idle origins share traffic by weight', () => {
    const counts: Record<string, number> = {};
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 5000; i++) {
      const first = selectOrigins(origins, { ...fresh(), random })[0]!.url;
      counts[first] = (counts[first] ?? 0) + 1;
    }
    expect(counts['http://y']! / 5000).toBeGreaterThan(0.5);
    expect(counts['http://y']! / 5000).toBeLessThan(0.7);
    expect(counts['http://x']).toBeGreaterThan(500);
  });

  it('leaves out origins marked down recently, and counts an old mark no more', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const health = new Map([
      ['http://x', { url: 'http://x', healthy: false, checked_at: '2026-01-01T00:09:30Z', source: 'probe' as const, detail: '' }],
      ['http://z', { url: 'http://z', healthy: false, checked_at: '2026-01-01T00:05:00Z', source: 'passive' as const, detail: '' }],
    ]);
    const urls = selectOrigins(origins, { health, breakers: new OriginBreakers() }, now).map((o) => o.url).sort();
    expect(urls).toEqual(['http://y', 'http://z']);
  });

  it('ejects an origin after consecutive failures, then lets one probe through after the cooldown', () => {
    const sel = fresh();
    const t0 = 1_000_000;
    expect(sel.breakers.failed('http://x', t0)).toBe(false);
    expect(sel.breakers.failed('http://x', t0)).toBe(false);
    expect(sel.breakers.failed('http://x', t0)).toBe(true);
    expect(selectOrigins(origins, sel, t0 + 1).map((o) => o.url)).not.toContain('http://x');
    const later = t0 + COOLDOWN_MS;
    expect(selectOrigins(origins, sel, later).map((o) => o.url)).toContain('http://x');
    sel.breakers.start('http://x', later); // the half-open probe
    expect(selectOrigins(origins, sel, later).map((o) => o.url)).not.toContain('http://x');
    sel.breakers.succeeded('http://x');
    expect(selectOrigins(origins, sel, later).map((o) => o.url)).toContain('http://x');
  });

  it('keeps a session on one origin while it is healthy', () => {
    const sel = fresh();
    const pick = (key: string) => selectOrigins(origins, { ...sel, affinityKey: key })[0]!.url;
    const first = pick('user-42');
    for (let i = 0; i < 10; i++) {
      sel.breakers.start('http://x');
      expect(pick('user-42')).toBe(first);
    }
    const spread = new Set(Array.from({ length: 50 }, (_, i) => pick(`user-${i}`)));
    expect(spread.size).toBe(3);
  });

  it('joins base URLs with path prefixes', () => {
    expect(originUrl('http://h:1/mode/slow/', '/v1/completions')).toBe('http://h:1/mode/slow/v1/completions');
  });
});
