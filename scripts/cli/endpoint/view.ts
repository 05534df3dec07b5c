// Human views of endpoints: the list table and the info page.

import {
  isExternalEntity,
  type Endpoint,
  type EndpointDetails,
  type OriginHealthInfo,
  type ServedEntityInput,
  type SharedEndpoint,
} from '../../lib/admin-client.ts';
import { formatEntries, formatTime, orDash, truncate } from '../format.ts';
import { renderFields, renderTable } from '../table.ts';

const unique = (items: string[]) => [...new Set(items)];

/** What the tables show of an entity: an external model shows its provider, model and API base. */
function shown(s: ServedEntityInput): {
  protocol: string;
  model: string;
  origins: Array<{ url: string; weight?: number }>;
} {
  if (!isExternalEntity(s)) return s;
  const m = s.external_model;
  const base =
    m.provider === 'openai'
      ? (m.openai_config?.openai_api_base ?? 'https://api.openai.com/v1')
      : (m.anthropic_config?.anthropic_api_base ?? 'https://api.anthropic.com');
  return { protocol: `external:${m.provider}`, model: `${m.name} (${m.task})`, origins: [{ url: base }] };
}

/** Endpoints shared with the caller's tenant show no config: their rows say `shared` instead. */
const own = <T>(e: Endpoint | SharedEndpoint, value: (e: Endpoint) => T, shared = '(shared)'): T | string =>
  e.access === 'shared' ? shared : value(e);

export function endpointTable(endpoints: Array<Endpoint | SharedEndpoint>): string {
  if (endpoints.length === 0) return 'No endpoints.';
  return renderTable(
    [
      { header: 'name', value: (e) => e.name },
      { header: 'state', value: (e) => e.state },
      { header: 'version', value: (e) => own(e, (o) => String(o.config_version), '-'), align: 'right' },
      {
        header: 'protocol',
        value: (e) => own(e, (o) => unique(o.served_entities.map((s) => shown(s).protocol)).join(',')),
      },
      {
        header: 'model',
        value: (e) => own(e, (o) => truncate(unique(o.served_entities.map((s) => shown(s).model)).join(', '), 48), '-'),
      },
      {
        header: 'origins',
        value: (e) => own(e, (o) => String(o.served_entities.reduce((n, s) => n + shown(s).origins.length, 0)), '-'),
        align: 'right',
      },
      { header: 'updated', value: (e) => formatTime(e.updated_at) },
      { header: 'description', value: (e) => truncate(e.description, 40) },
    ],
    endpoints,
  );
}

/** An endpoint shared with the caller's tenant: how to call it, and what the router fills in. */
export function sharedEndpointDetails(e: SharedEndpoint): string {
  return renderFields([
    ['name', e.name],
    ['description', orDash(e.description)],
    ['access', "shared with your tenant (its config and origins are its own tenant's)"],
    ['state', e.state],
    ['OpenAI base URL', e.urls.openai],
    ['TGI URL', e.urls.tgi],
    ['defaults', orNone(formatEntries(e.defaults))],
    ['timeouts', e.timeouts && Object.keys(e.timeouts).length ? formatEntries(e.timeouts) : '(router defaults)'],
    [
      'rate limits',
      orNone(
        e.rate_limits.map(
          (r) => `${r.tokens !== undefined ? `${r.tokens} tokens` : r.calls} per ${r.renewal_period} per ${r.key}`,
        ),
      ),
    ],
    ['created', formatTime(e.created_at)],
    ['updated', formatTime(e.updated_at)],
  ]);
}

/** Info answers carry each origin's health; create, update, stop and start answers do not. */
export function endpointDetails(e: EndpointDetails): string {
  const fields = renderFields([
    ['name', e.name],
    ['description', orDash(e.description)],
    ['tenant', e.tenant ?? 'default'],
    ['state', e.state_reason ? `${e.state}: ${e.state_reason}` : e.state],
    ['config version', String(e.config_version)],
    [
      'config update',
      e.config_update === 'in_progress'
        ? `in progress (version ${e.pending_version})`
        : e.config_update === 'failed'
          ? `failed: ${e.config_update_error}`
          : 'none',
    ],
    ['created', formatTime(e.created_at)],
    ['updated', formatTime(e.updated_at)],
    ['defaults', orNone(formatEntries(e.defaults))],
    ['tags', orNone(e.tags.map((t) => `${t.key}=${t.value}`))],
    ['timeouts', e.timeouts && Object.keys(e.timeouts).length ? formatEntries(e.timeouts) : '(router defaults)'],
    [
      'rate limits',
      orNone(
        e.rate_limits.map(
          (r) => `${r.tokens !== undefined ? `${r.tokens} tokens` : r.calls} per ${r.renewal_period} per ${r.key}`,
        ),
      ),
    ],
  ]);
  const share = new Map(e.traffic.map((t) => [t.served_entity, t.percentage]));
  const health = e.origin_health;
  const healthOf = (entity: string, url: string) =>
    formatHealth(health?.find((h) => h.served_entity === entity && h.url === url));
  const rows = e.served_entities.flatMap((entity) => {
    const s = { name: entity.name, ...shown(entity) };
    return s.origins.map((o, i) => ({
      entity: i === 0 ? s.name : '',
      protocol: i === 0 ? s.protocol : '',
      model: i === 0 ? s.model : '',
      traffic: i === 0 ? `${share.get(s.name) ?? 0}%` : '',
      origin: o.url,
      weight: o.weight === undefined ? '' : String(o.weight),
      health: healthOf(s.name, o.url),
    }));
  });
  const entities = renderTable(
    [
      { header: 'served entity', value: (r) => r.entity },
      { header: 'protocol', value: (r) => r.protocol },
      { header: 'model', value: (r) => r.model },
      { header: 'traffic', value: (r) => r.traffic, align: 'right' },
      { header: 'origin', value: (r) => r.origin },
      { header: 'weight', value: (r) => r.weight, align: 'right' },
      ...(health ? [{ header: 'health', value: (r: (typeof rows)[number]) => r.health }] : []),
    ],
    rows,
  );
  return `${fields}\n\n${entities}`;
}

function orNone(items: string[]): string | string[] {
  return items.length ? items : 'none';
}

/** `healthy`, `unhealthy` or `unknown`, with how and when it was last seen. */
function formatHealth(h: OriginHealthInfo | undefined): string {
  if (!h) return 'unknown';
  const state = h.healthy === null ? 'unknown' : h.healthy ? 'healthy' : 'unhealthy';
  const seen = h.checked_at
    ? ` (${h.source ?? 'seen'} ${formatTime(h.checked_at)}${h.detail ? `: ${truncate(h.detail, 40)}` : ''})`
    : '';
  return state + seen;
}

/**
 * What an update did, as the API answered it: the new version serves at once, or it waits
 * for its origins' health probe while the version that served before keeps serving.
 */
export function updateSummary(before: Pick<Endpoint, 'config_version'>, after: Endpoint): string {
  const head = `Updated endpoint '${after.name}'`;
  if (after.config_update === 'in_progress' && after.pending_version !== null) {
    return `${head}: config version ${after.pending_version} is pending (it serves once its origins pass a health probe); version ${after.config_version} keeps serving.`;
  }
  if (after.config_update === 'failed') {
    return `${head}, but the new config version failed its rollout (${after.config_update_error}); version ${after.config_version} keeps serving.`;
  }
  return `${head}: config version ${before.config_version} → ${after.config_version}.`;
}
