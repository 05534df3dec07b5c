// The form's draft: plain objects holding every field as typed (strings), made empty or from an endpoint.

import { isExternal, type EndpointView, type SelfHostedEntity } from '../../types';

export interface OriginDraft {
  url: string;
  weight: string;
  region: string;
}
export interface EntityDraft {
  name: string;
  protocol: 'openai' | 'tgi';
  model: string;
  model_version: string;
  traffic: string;
  origins: OriginDraft[];
}
export interface Draft {
  name: string;
  tenant: string;
  description: string;
  entities: EntityDraft[];
  defaults: Record<string, string>;
  rate_limits: Array<{ key: string; unit: 'calls' | 'tokens'; amount: string; renewal_period: string }>;
  tags: Array<{ key: string; value: string }>;
  timeouts: Record<string, string>;
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
export const emptyOrigin = (): OriginDraft => ({ url: '', weight: '', region: '' });
export const emptyEntity = (): EntityDraft => ({
  name: '',
  protocol: 'openai',
  model: '',
  model_version: '',
  traffic: '',
  origins: [emptyOrigin()],
});

export function draftOf(e: EndpointView | null): Draft {
  if (!e) {
    return {
      name: '',
      tenant: '',
      description: '',
      entities: [emptyEntity()],
      defaults: {},
      rate_limits: [],
      tags: [],
      timeouts: {},
    };
  }
  const traffic = new Map(e.traffic.map((t) => [t.served_entity, t.percentage]));
  return {
    name: e.name,
    tenant: e.tenant,
    description: e.description,
    entities: e.served_entities
      .filter((s): s is SelfHostedEntity => !isExternal(s))
      .map((s) => ({
        name: s.name,
        protocol: s.protocol,
        model: s.model,
        model_version: s.model_version ?? '',
        traffic: e.served_entities.length > 1 ? str(traffic.get(s.name)) : '',
        origins: s.origins.map((o) => ({ url: o.url, weight: str(o.weight), region: o.region ?? '' })),
      })),
    defaults: Object.fromEntries(
      Object.entries(e.defaults).map(([k, v]) => [k, Array.isArray(v) ? v.join('\n') : str(v)]),
    ),
    rate_limits: e.rate_limits.map((r) => ({
      key: r.key,
      unit: r.tokens !== undefined ? 'tokens' : 'calls',
      amount: str(r.tokens ?? r.calls),
      renewal_period: r.renewal_period,
    })),
    tags: e.tags.map((t) => ({ ...t })),
    timeouts: Object.fromEntries(Object.entries(e.timeouts).map(([k, v]) => [k, str(v)])),
  };
}
