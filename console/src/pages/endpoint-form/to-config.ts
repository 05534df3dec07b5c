// The draft as the request body the admin API takes (POST to create, PATCH for a new version).

import type { Draft } from './draft';
import { DEFAULT_FIELDS, TIMEOUT_FIELDS } from './field-lists';

/** A number as typed; text that is not one goes as it is, so the router names the field. */
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export function bodyOf(d: Draft, creating: boolean, withTenant: boolean): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const f of DEFAULT_FIELDS) {
    const v = d.defaults[f.name] ?? '';
    if (!v.trim()) continue;
    if (f.kind === 'stop') defaults.stop = v.split('\n').filter((s) => s.length > 0);
    else if (f.kind === 'text') defaults[f.name] = v;
    else defaults[f.name] = num(v);
  }
  const timeouts: Record<string, unknown> = {};
  for (const f of TIMEOUT_FIELDS) if ((d.timeouts[f.name] ?? '').trim()) timeouts[f.name] = num(d.timeouts[f.name]!);
  const split = d.entities.length > 1 && d.entities.some((e) => e.traffic.trim());
  const body: Record<string, unknown> = {
    description: d.description,
    served_entities: d.entities.map((e) => ({
      name: e.name.trim(),
      protocol: e.protocol,
      model: e.model.trim(),
      ...(e.model_version.trim() ? { model_version: e.model_version.trim() } : {}),
      origins: e.origins.map((o) => ({
        url: o.url.trim(),
        ...(o.weight.trim() ? { weight: num(o.weight) } : {}),
        ...(o.region.trim() ? { region: o.region.trim() } : {}),
      })),
    })),
    ...(split
      ? { traffic: d.entities.map((e) => ({ served_entity: e.name.trim(), percentage: num(e.traffic) ?? 0 })) }
      : {}),
    defaults,
    rate_limits: d.rate_limits.map((r) => ({ key: r.key, [r.unit]: num(r.amount), renewal_period: r.renewal_period })),
    tags: d.tags.map((t) => ({ key: t.key, value: t.value })),
    timeouts,
  };
  if (creating) {
    body.name = d.name.trim();
    if (withTenant && d.tenant) body.tenant = d.tenant;
  }
  return body;
}
