import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../src/endpoints/normalize-config';
import { refusal } from './refusal';

const entity = (name: string) => ({ name, protocol: 'openai' as const, model: 'm', origins: [{ url: 'http://o' }] });

describe('normalizeConfig', () => {
  it('splits traffic evenly when none is given', () => {
    const config = normalizeConfig({ served_entities: [entity('a'), entity('b'), entity('c')] });
    expect(config.traffic).toEqual([
      { served_entity: 'a', percentage: 34 },
      { served_entity: 'b', percentage: 33 },
      { served_entity: 'c', percentage: 33 },
    ]);
    expect(config).toMatchObject({ defaults: {}, rate_limits: [], tags: [], timeouts: {} });
  });

  it('refuses traffic that does not add up to 100 or names unknown entities', () => {
    const served = [entity('a'), entity('b')];
    expect(
      refusal(() => normalizeConfig({ served_entities: served, traffic: [{ served_entity: 'a', percentage: 60 }] }))
        .message,
    ).toMatch(/add up to 60/);
    expect(
      refusal(() => normalizeConfig({ served_entities: served, traffic: [{ served_entity: 'x', percentage: 100 }] }))
        .param,
    ).toBe('traffic');
  });

  it('refuses duplicate served-entity names', () => {
    expect(refusal(() => normalizeConfig({ served_entities: [entity('a'), entity('a')] })).message).toMatch(/twice/);
  });

  it('patches on top of the current config and keeps the rest', () => {
    const base = normalizeConfig({
      served_entities: [entity('a')],
      defaults: { temperature: 0.1 },
      tags: [{ key: 't', value: 'v' }],
    });
    const patched = normalizeConfig({ defaults: { max_tokens: 9 } }, base);
    expect(patched).toMatchObject({
      served_entities: base.served_entities,
      defaults: { max_tokens: 9 },
      tags: [{ key: 't', value: 'v' }],
    });
  });
});
