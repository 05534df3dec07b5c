import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/endpoints/schema';
import { pickServedEntity } from '../../src/endpoints/traffic';
import { originOrder, originUrl } from '../../src/origins/pool-order';

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

describe('originOrder', () => {
  const origins = [{ url: 'http://x' }, { url: 'http://y', weight: 3 }, { url: 'http://z' }];

  it('starts with the origin the weighted roll lands on and keeps the rest as failover', () => {
    expect(originOrder(origins, 0).map((o) => o.url)).toEqual(['http://x', 'http://y', 'http://z']);
    expect(originOrder(origins, 0.3).map((o) => o.url)).toEqual(['http://y', 'http://z', 'http://x']);
    expect(originOrder(origins, 0.99).map((o) => o.url)).toEqual(['http://z', 'http://x', 'http://y']);
  });

  it('joins base URLs with path prefixes', () => {
    expect(originUrl('http://h:1/mode/slow/', '/v1/completions')).toBe('http://h:1/mode/slow/v1/completions');
  });
});
