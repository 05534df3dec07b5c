// Endpoints: the list (#/endpoints), one endpoint's page (#/endpoints/<name>), and the create and edit
// forms (#/endpoints/new, #/endpoints/<name>/edit; ./endpoint-form/).

import { endpointView, json, listAll, listEndpoints, nextStep, send } from '../api';
import { confirmDialog, copyButton, h, pill, when } from '../dom';
import type { Page, PageContext } from '../page';
import { can, type Session } from '../session';
import { isExternal, type EndpointView } from '../types';
import { found, missing } from '../not-found';
import { endpointForm } from './endpoint-form';

const RATE_SCOPE = { api_key: 'API key', endpoint: 'endpoint', tenant: 'tenant' } as const;

export const endpointsPage: Page = {
  id: 'endpoints',
  title: 'Endpoints',
  nav: true,
  platformOnly: true,
  async render(ctx) {
    const [name, action] = ctx.params;
    if (name === 'new') return endpointForm(ctx, null);
    if (!name) return endpointList(ctx);
    const e = await found(loadEndpoint(ctx, name));
    if (!e) return missingEndpoint(name);
    return action === 'edit' ? endpointForm(ctx, e) : endpointInfo(ctx, e);
  },
};

/** An endpoint the router does not know (or the session may not see: the router says the same). */
export function missingEndpoint(name: string): HTMLElement {
  return missing(
    'Endpoint not found',
    ['There is no endpoint named ', h('code', null, name), ' that you may see. It may have been deleted or renamed.'],
    [['#/endpoints', 'All endpoints']],
  );
}

const path = (name: string) => `/admin/v1/endpoints/${encodeURIComponent(name)}`;

function loadEndpoint(ctx: PageContext, name: string): Promise<EndpointView> {
  return json<EndpointView>('GET', path(name), { key: ctx.session.key, signal: ctx.signal }).then(endpointView);
}

/** May this principal change the endpoint? (The router checks again.) */
export function manages(s: Session, e: EndpointView): boolean {
  const p = s.principal;
  if (!p) return false;
  if (p.tenant === null) return true;
  if (e.tenant !== p.tenant) return false;
  return p.role === 'tenant_admin' || (p.role === 'owner' && e.owner === p.id);
}

async function endpointList(ctx: PageContext): Promise<HTMLElement> {
  const endpoints = await listEndpoints(ctx.session.key);
  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      null,
      h('h1', null, 'Endpoints'),
      can.manageEndpoints(ctx.session)
        ? h('a', { class: 'button primary', href: '#/endpoints/new' }, 'Create endpoint')
        : null,
    ),
    h(
      'section',
      { class: 'card' },
      endpoints.length
        ? h(
            'table',
            { class: 'endpoints' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Name', 'Description', 'State', 'Config rollout', 'Served entities', 'Tenant', 'Updated'].map((t) =>
                  h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              endpoints.map((e) =>
                h(
                  'tr',
                  { 'data-endpoint': e.name },
                  h('td', null, h('a', { href: `#/endpoints/${encodeURIComponent(e.name)}` }, e.name)),
                  h('td', { class: 'description' }, e.description || '—'),
                  h('td', null, pill(e.state)),
                  h('td', null, rollout(e)),
                  h(
                    'td',
                    null,
                    e.served_entities
                      .map((s) => (isExternal(s) ? `${s.external_model.name} (${s.external_model.provider})` : s.model))
                      .join(', '),
                  ),
                  h('td', null, e.tenant),
                  h('td', null, when(e.updated_at)),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No endpoints yet.'),
    ),
  );
}

function rollout(e: EndpointView): Node {
  if (e.config_update === 'in_progress')
    return h('span', null, `v${e.config_version} → v${e.pending_version} `, pill('in_progress'));
  if (e.config_update === 'failed')
    return h('span', { title: e.config_update_error }, `v${e.config_version} `, pill('failed'));
  return h('span', null, `v${e.config_version}`);
}

/** The URLs clients use for this endpoint. */
export function endpointUrls(origin: string, name: string): Array<[string, string]> {
  const n = encodeURIComponent(name);
  return [
    ['OpenAI base URL', `${origin}/v1`],
    ['Endpoint base URL', `${origin}/endpoints/${n}/v1`],
    ['TGI /generate', `${origin}/endpoints/${n}/generate`],
    ['TGI /generate_stream', `${origin}/endpoints/${n}/generate_stream`],
    ['TGI compat root', `${origin}/endpoints/${n}`],
  ];
}

interface Version {
  version: number;
  created_at: string;
  serving: boolean;
  pending: boolean;
}

async function endpointInfo(ctx: PageContext, e: EndpointView): Promise<HTMLElement> {
  // Shared with the caller's tenant: the API sends no origins, entities, owner or history, so none are shown.
  const shared = e.access === 'shared';
  const versions = shared
    ? []
    : // The history is paginated: every page, followed by its cursor.
      await listAll<Version>(`${path(e.name)}/versions?limit=200`, ctx.session.key).catch(() => [] as Version[]);
  const mine = manages(ctx.session, e);
  const message = h('p', { class: 'error', role: 'alert', hidden: true });
  const act = async (what: () => Promise<unknown>) => {
    message.hidden = true;
    try {
      await what();
      ctx.navigate(`#/endpoints/${encodeURIComponent(e.name)}`);
    } catch (err) {
      message.textContent = nextStep(err);
      message.hidden = false;
    }
  };
  const stopStart =
    e.state === 'stopped'
      ? h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => act(() => send('POST', `${path(e.name)}/start`, { key: ctx.session.key })),
          },
          'Start',
        )
      : h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => act(() => send('POST', `${path(e.name)}/stop`, { key: ctx.session.key })),
          },
          'Stop',
        );
  const del = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: async () => {
        const ok = await confirmDialog({
          title: `Delete endpoint ${e.name}?`,
          body: 'Its config history goes, its First Key is revoked, and every client calling it gets 404. This cannot be undone.',
          confirm: 'Delete endpoint',
          danger: true,
        });
        if (!ok) return;
        message.hidden = true;
        try {
          await send('DELETE', path(e.name), { key: ctx.session.key });
          ctx.navigate('#/endpoints');
        } catch (err) {
          message.textContent = nextStep(err);
          message.hidden = false;
        }
      },
    },
    'Delete',
  );

  return h(
    'div',
    { class: 'page endpoint' },
    h(
      'header',
      null,
      h('h1', null, e.name, ' ', pill(e.state)),
      mine
        ? h(
            'div',
            { class: 'row' },
            h('a', { class: 'button secondary', href: `#/endpoints/${encodeURIComponent(e.name)}/edit` }, 'Edit'),
            stopStart,
            del,
          )
        : null,
    ),
    message,
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'card' },
        h('h2', null, 'Overview'),
        h(
          'dl',
          { class: 'props' },
          prop('Description', h('span', { class: 'description' }, e.description || '—')),
          e.access === 'shared'
            ? prop('Access', 'Shared with your tenant: its origins and config belong to its own tenant')
            : null,
          shared ? null : prop('Tenant', e.tenant),
          shared ? null : prop('Owner', e.owner),
          shared ? null : prop('Serving config', `v${e.config_version}`),
          shared
            ? null
            : prop(
                'Config rollout',
                e.config_update === 'none'
                  ? 'up to date'
                  : [
                      pill(e.config_update),
                      e.pending_version ? ` v${e.pending_version}` : '',
                      e.config_update_error ? ` ${e.config_update_error}` : '',
                    ],
              ),
          shared ? null : prop('Shared with', e.shared_with.length ? e.shared_with.join(', ') : '—'),
          prop('Created', when(e.created_at)),
          prop('Updated', when(e.updated_at)),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-label': 'URLs' },
        h('h2', null, 'URLs'),
        endpointUrls(location.origin, e.name).map(([label, url]) =>
          h(
            'div',
            { class: 'copyable' },
            h('span', { class: 'label' }, label),
            h('code', null, url),
            copyButton(() => url),
          ),
        ),
        h('p', { class: 'hint' }, `With the OpenAI base URL, send "model": "${e.name}".`),
      ),
    ),
    shared ? null : h('section', { class: 'card' }, h('h2', null, 'Served entities and origins'), entitiesTable(e)),
    shared ? null : h('section', { class: 'card' }, h('h2', null, 'Origin health'), healthTable(e)),
    h('section', { class: 'card' }, h('h2', null, 'Configuration'), configProps(e)),
    shared
      ? null
      : h('section', { class: 'card' }, h('h2', null, 'Config versions'), versionsTable(ctx, e, versions, mine, act)),
  );
}

function prop(label: string, value: Node | string | Array<Node | string>): Node[] {
  return [h('dt', null, label), h('dd', null, value)];
}

function entitiesTable(e: EndpointView): HTMLElement {
  const traffic = new Map(e.traffic.map((t) => [t.served_entity, t.percentage]));
  return h(
    'table',
    null,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Served entity', 'Protocol', 'Model', 'Version', 'Traffic', 'Origins (weight, region)'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      e.served_entities.map((s) => {
        if (isExternal(s)) {
          const m = s.external_model;
          const base =
            m.openai_config?.openai_api_base ?? m.anthropic_config?.anthropic_api_base ?? `${m.provider}'s API`;
          const secret = m.openai_config?.openai_api_key ?? m.anthropic_config?.anthropic_api_key ?? '';
          return h(
            'tr',
            null,
            h('td', null, s.name),
            h('td', null, `external: ${m.provider} (${m.task})`),
            h('td', null, h('code', null, m.name)),
            h('td', null, '—'),
            h('td', null, traffic.has(s.name) ? `${traffic.get(s.name)}%` : '—'),
            h('td', null, h('div', null, h('code', null, base)), h('div', null, 'key: ', h('code', null, secret))),
          );
        }
        return h(
          'tr',
          null,
          h('td', null, s.name),
          h('td', null, s.protocol),
          h('td', null, h('code', null, s.model)),
          h('td', null, s.model_version ?? '—'),
          h('td', null, traffic.has(s.name) ? `${traffic.get(s.name)}%` : '—'),
          h(
            'td',
            null,
            s.origins.map((o) =>
              h('div', null, h('code', null, o.url), ` (${o.weight ?? 1}${o.region ? `, ${o.region}` : ''})`),
            ),
          ),
        );
      }),
    ),
  );
}

function healthTable(e: EndpointView): HTMLElement {
  const rows = e.origin_health ?? [];
  if (!rows.length) return h('p', { class: 'muted' }, 'No health data yet.');
  return h(
    'table',
    null,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Origin', 'Served entity', 'Health', 'Checked', 'By', 'Detail'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((o) =>
        h(
          'tr',
          null,
          h('td', null, h('code', null, o.url)),
          h('td', null, o.served_entity),
          h('td', null, pill(o.healthy === null ? 'unknown' : o.healthy ? 'healthy' : 'unhealthy')),
          h('td', null, when(o.checked_at)),
          h('td', null, o.source ?? '—'),
          h('td', null, o.detail || '—'),
        ),
      ),
    ),
  );
}

function configProps(e: EndpointView): HTMLElement {
  const d = e.defaults;
  const defaults = Object.entries(d).map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(' | ') : String(v)}`);
  const t = e.timeouts;
  return h(
    'dl',
    { class: 'props' },
    prop('Defaults', defaults.length ? defaults.map((line) => h('div', null, line)) : 'none (the origin’s own)'),
    prop(
      'Rate limits',
      e.rate_limits.length
        ? e.rate_limits.map((r) =>
            h(
              'div',
              null,
              `${r.tokens !== undefined ? `${r.tokens} tokens` : `${r.calls} calls`} per ${r.renewal_period}, per ${RATE_SCOPE[r.key]}`,
            ),
          )
        : 'none',
    ),
    prop('Tags', e.tags.length ? e.tags.map((tag) => h('span', { class: 'tag' }, `${tag.key}=${tag.value}`)) : 'none'),
    prop(
      'Timeouts',
      `first byte ${t.first_byte_ms ?? 60000} ms · idle ${t.idle_ms ?? 60000} ms · total ${t.total_ms ?? 600000} ms`,
    ),
  );
}

function versionsTable(
  ctx: PageContext,
  e: EndpointView,
  versions: Version[],
  mine: boolean,
  act: (what: () => Promise<unknown>) => Promise<void>,
): HTMLElement {
  if (!versions.length) return h('p', { class: 'muted' }, 'No versions.');
  return h(
    'table',
    null,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Version', 'Created', 'State', ''].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      null,
      [...versions]
        .sort((a, b) => b.version - a.version)
        .map((v) =>
          h(
            'tr',
            null,
            h('td', null, `v${v.version}`),
            h('td', null, when(v.created_at)),
            h('td', null, v.serving ? pill('serving', 'ok') : v.pending ? pill('pending', 'warn') : '—'),
            h(
              'td',
              null,
              mine && !v.serving
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary small',
                      onclick: async () => {
                        const ok = await confirmDialog({
                          title: `Roll back ${e.name} to v${v.version}?`,
                          body: `v${v.version}'s config becomes a new version, rolled out once its origins are healthy.`,
                          confirm: 'Roll back',
                        });
                        if (ok)
                          await act(() =>
                            send('POST', `${path(e.name)}/rollback`, {
                              key: ctx.session.key,
                              body: { version: v.version },
                            }),
                          );
                      },
                    },
                    `Roll back to v${v.version}`,
                  )
                : null,
            ),
          ),
        ),
    ),
  );
}
