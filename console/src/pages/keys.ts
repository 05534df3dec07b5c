// API keys: the list with add (#/keys), one key's page (#/keys/<id>): in-flight, usage, edit, revoke.
// The First Key of an endpoint is marked and offers neither edit nor revoke; what the principal's role
// may not do is not offered (the router refuses it anyway).

import { ApiFailure, json, listAll, listEndpoints, nextStep, send } from '../api';
import {
  clearFieldErrors,
  confirmDialog,
  copyButton,
  field,
  h,
  markUnreadable,
  pill,
  replace,
  showFieldError,
  when,
} from '../dom';
import { keyStatus } from '../key-status';
import { found, missing } from '../not-found';
import type { Page, PageContext } from '../page';
import { can, type Role, type Session } from '../session';
import type { EndpointView, KeyView } from '../types';
import { showSubmitError } from './endpoint-form/field-errors';

export const keysPage: Page = {
  id: 'keys',
  title: 'Keys',
  nav: true,
  platformOnly: true,
  async render(ctx) {
    const [id] = ctx.params;
    if (id) return keyInfo(ctx, id);
    return keyList(ctx);
  },
};

const keyPath = (id: string) => `/admin/v1/keys/${encodeURIComponent(id)}`;

function kindLabel(k: KeyView): string {
  return k.kind === 'platform' ? `platform · ${(k.role ?? '').replace('_', ' ')}` : 'endpoint';
}

function firstKeyBadge(k: KeyView): Node | null {
  return k.first_key
    ? h('span', { class: 'badge', title: 'Created with its endpoint; cannot be edited or revoked' }, 'First Key')
    : null;
}

async function revoke(ctx: PageContext, k: KeyView, after: () => void, message: HTMLElement): Promise<void> {
  const ok = await confirmDialog({
    title: `Revoke key ${k.prefix}…?`,
    body: 'This is irreversible: every request with this key is refused from the very next one, and it cannot be re-activated.',
    confirm: 'Revoke key',
    danger: true,
  });
  if (!ok) return;
  try {
    await send('POST', `${keyPath(k.id)}/revoke`, { key: ctx.session.key });
    after();
  } catch (err) {
    message.textContent = nextStep(err);
    message.hidden = false;
  }
}

async function keyList(ctx: PageContext): Promise<HTMLElement> {
  const [keys, endpoints] = await Promise.all([
    listAll<KeyView>('/admin/v1/keys', ctx.session.key),
    listEndpoints(ctx.session.key),
  ]);
  const message = h('p', { class: 'error', role: 'alert', hidden: true });
  const reload = () => ctx.navigate('#/keys');
  const table = h(
    'table',
    { class: 'keys' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Key', 'Description', 'Kind', 'Endpoints', 'Concurrency', 'Status', 'Created', 'Expires', ''].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      keys.length
        ? keys.map((k) =>
            h(
              'tr',
              { 'data-key': k.id },
              h(
                'td',
                null,
                h('a', { href: `#/keys/${encodeURIComponent(k.id)}` }, h('code', null, `${k.prefix}…`)),
                firstKeyBadge(k),
              ),
              h('td', { class: 'description' }, k.description || '—'),
              h('td', null, kindLabel(k)),
              h(
                'td',
                null,
                k.kind === 'platform' ? '—' : k.endpoints === null ? 'all of its tenant' : k.endpoints.join(', '),
              ),
              h('td', null, k.concurrency_limit),
              h('td', null, pill(keyStatus(k))),
              h('td', null, when(k.created_at)),
              h('td', null, when(k.expires_at)),
              h(
                'td',
                null,
                !k.first_key && k.status === 'active'
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary small',
                        'aria-label': `Revoke key ${k.prefix}`,
                        onclick: () => revoke(ctx, k, reload, message),
                      },
                      'Revoke',
                    )
                  : null,
              ),
            ),
          )
        : h('tr', null, h('td', { colspan: 9, class: 'muted' }, 'No keys.')),
    ),
  );
  return h(
    'div',
    { class: 'page' },
    h('header', null, h('h1', null, 'API keys')),
    message,
    addKeyForm(ctx, endpoints),
    h('section', { class: 'card' }, h('h2', null, 'Keys'), table),
  );
}

/** Roles this principal may give a platform key. */
function grantableRoles(s: Session): Role[] {
  if (!s.principal) return [];
  if (s.principal.tenant === null) return ['org_admin', 'tenant_admin', 'owner', 'member'];
  return s.principal.role === 'tenant_admin' ? ['tenant_admin', 'owner', 'member'] : [];
}

function addKeyForm(ctx: PageContext, endpoints: EndpointView[]): HTMLElement {
  const s = ctx.session;
  const roles = grantableRoles(s);
  const mustName = s.principal?.role === 'owner' || s.principal?.role === 'member';
  const usable = s.principal?.role === 'owner' ? endpoints.filter((e) => e.owner === s.principal!.id) : endpoints;
  const description = h('input', { type: 'text', name: 'description', maxlength: 1024 });
  const kind = h(
    'select',
    { name: 'kind' },
    h('option', { value: 'endpoint' }, 'Endpoint key (inference API)'),
    roles.length ? h('option', { value: 'platform' }, 'Platform key (admin API)') : null,
  );
  const role = h(
    'select',
    { name: 'role' },
    roles.map((r) => h('option', { value: r }, r.replace('_', ' '))),
  );
  const all = h('input', { type: 'checkbox', name: 'all-endpoints', checked: !mustName, disabled: mustName });
  const boxes = usable.map((e) => h('input', { type: 'checkbox', name: 'endpoint', value: e.name }));
  const concurrency = h('input', {
    type: 'number',
    name: 'concurrency_limit',
    min: 1,
    max: 10000,
    placeholder: 'default',
  });
  const expires = h('input', { type: 'datetime-local', name: 'expires_at' });
  const formError = h('p', { class: 'error', role: 'alert', hidden: true });
  const result = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create key');

  const endpointsBox = h(
    'fieldset',
    { 'data-field': 'endpoints', class: 'endpoints-pick' },
    h('legend', null, 'Endpoints it may call'),
    mustName ? null : h('label', { class: 'check' }, all, ' All endpoints its tenant may use (now and later)'),
    boxes.length
      ? h(
          'div',
          { class: 'checks' },
          boxes.map((b, i) => h('label', { class: 'check' }, b, ' ', usable[i]!.name)),
        )
      : h('p', { class: 'muted' }, 'No endpoint you may create keys for.'),
    h('p', { class: 'field-error', role: 'alert', hidden: true }),
  );
  const roleField = field('Role', role, { name: 'role' });
  const sync = () => {
    const platform = kind.value === 'platform';
    roleField.hidden = !platform;
    endpointsBox.hidden = platform;
    for (const b of boxes) b.disabled = all.checked;
  };
  kind.addEventListener('change', sync);
  all.addEventListener('change', sync);

  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'add-key-title', novalidate: true },
    h('h2', { id: 'add-key-title' }, 'Add a key'),
    h(
      'div',
      { class: 'row' },
      field('Description', description, { name: 'description' }),
      field('Kind', kind, { name: 'kind' }),
      roleField,
      field('Concurrency limit', concurrency, { name: 'concurrency_limit' }),
      field('Expires', expires, { name: 'expires_at', hint: 'Optional; your local time.' }),
    ),
    endpointsBox,
    formError,
    h('div', { class: 'actions' }, submit),
    result,
  );
  sync();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    formError.hidden = true;
    replace(result);
    const body: Record<string, unknown> = {};
    if (description.value) body.description = description.value;
    if (kind.value === 'platform') {
      body.kind = 'platform';
      body.role = role.value;
    } else if (!all.checked) {
      body.endpoints = boxes.filter((b) => b.checked).map((b) => b.value);
      if (!(body.endpoints as string[]).length) {
        showFieldError(
          form,
          'endpoints',
          mustName
            ? 'Pick at least one endpoint: your role must name the endpoints a key may call.'
            : 'Pick at least one endpoint, or allow all of them.',
        );
        return;
      }
    }
    // Not taken as blank (the default limit, a key that never expires).
    if (
      markUnreadable(form, [
        [concurrency, 'concurrency_limit', 'Must be a whole number, or blank for the default.'],
        [expires, 'expires_at', 'Enter the whole date and time, or leave it blank for a key that never expires.'],
      ])
    )
      return;
    if (concurrency.value) body.concurrency_limit = Number(concurrency.value);
    if (expires.value) body.expires_at = new Date(expires.value).toISOString();
    submit.disabled = true;
    try {
      const created = await json<KeyView & { key: string }>('POST', '/admin/v1/keys', { key: s.key, body });
      form.reset();
      sync();
      replace(
        result,
        h(
          'div',
          { class: 'notice', role: 'status' },
          h(
            'p',
            null,
            h('strong', null, `Key ${created.prefix}… created.`),
            ' This is the only time it is shown: copy it now.',
          ),
          h(
            'div',
            { class: 'copyable' },
            h('span', { class: 'label' }, 'New key'),
            h('code', { class: 'secret' }, created.key),
            copyButton(() => created.key),
          ),
          h(
            'p',
            null,
            h(
              'button',
              { type: 'button', class: 'secondary small', onclick: () => ctx.navigate('#/keys') },
              'Done: show it in the list',
            ),
          ),
        ),
      );
    } catch (err) {
      showSubmitError(form, formError, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

interface UsageRow {
  endpoint: string;
  hour: string;
  requests: number;
  completed: number;
  aborted: number;
  failed: number;
  prompt_tokens: number;
  completion_tokens: number;
}

async function keyInfo(ctx: PageContext, id: string): Promise<HTMLElement> {
  const loaded = await found(
    Promise.all([
      json<KeyView>('GET', keyPath(id), { key: ctx.session.key, signal: ctx.signal }),
      // Usage is paginated (newest hour first): every page, followed by its cursor.
      listAll<UsageRow>(`${keyPath(id)}/usage?limit=200`, ctx.session.key),
    ]),
  );
  if (!loaded)
    return missing(
      'Key not found',
      ['There is no key with id ', h('code', null, id), ' that you may see: check the id in the list.'],
      [['#/keys', 'All keys']],
    );
  const [k, usage] = loaded;
  const message = h('p', { class: 'error', role: 'alert', hidden: true });
  const editable = !k.first_key && k.status === 'active' && can.manageKeys(ctx.session);
  const description = h('input', { type: 'text', name: 'description', value: k.description, maxlength: 1024 });
  const edit = h(
    'form',
    { class: 'row', novalidate: true, 'aria-label': 'Rename' },
    field('Description', description, { name: 'description' }),
    h('button', { type: 'submit', class: 'secondary' }, 'Save description'),
  );
  edit.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(edit);
    try {
      await json('PATCH', keyPath(k.id), { key: ctx.session.key, body: { description: description.value } });
      ctx.navigate(`#/keys/${encodeURIComponent(k.id)}`);
    } catch (err) {
      if (!(err instanceof ApiFailure && err.param && showFieldError(edit, err.param, err.message))) {
        message.textContent = nextStep(err);
        message.hidden = false;
      }
    }
  });
  const totals = usage.reduce(
    (t, r) => ({
      requests: t.requests + r.requests,
      prompt: t.prompt + r.prompt_tokens,
      completion: t.completion + r.completion_tokens,
    }),
    { requests: 0, prompt: 0, completion: 0 },
  );
  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      null,
      h('h1', null, h('code', null, `${k.prefix}…`), ' ', pill(keyStatus(k)), firstKeyBadge(k)),
      editable
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () => revoke(ctx, k, () => ctx.navigate(`#/keys/${encodeURIComponent(k.id)}`), message),
            },
            'Revoke',
          )
        : null,
    ),
    message,
    k.first_key
      ? h(
          'p',
          { class: 'notice' },
          'This is the First Key of its endpoint: it was created with it and cannot be edited or revoked. Deleting the endpoint revokes it.',
        )
      : null,
    h(
      'section',
      { class: 'stats', 'aria-label': 'Activity' },
      stat('In flight now', k.in_flight ?? 0),
      stat('Concurrency limit', k.concurrency_limit),
      k.token_budget && k.token_window
        ? stat(
            `Tokens this ${k.token_budget.renewal_period}`,
            `${k.token_window.used + k.token_window.reserved} / ${k.token_budget.tokens}`,
          )
        : null,
      stat('Requests', totals.requests),
      stat('Tokens in / out', `${totals.prompt} / ${totals.completion}`),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'Key'),
      h(
        'dl',
        { class: 'props' },
        h('dt', null, 'Id'),
        h('dd', null, h('code', null, k.id)),
        h('dt', null, 'Description'),
        h('dd', { class: 'description' }, k.description || '—'),
        h('dt', null, 'Kind'),
        h('dd', null, kindLabel(k)),
        h('dt', null, 'Tenant'),
        h('dd', null, k.tenant),
        h('dt', null, 'Endpoints'),
        h(
          'dd',
          null,
          k.kind === 'platform' ? '—' : k.endpoints === null ? 'all of its tenant' : k.endpoints.join(', '),
        ),
        h('dt', null, 'Created'),
        h('dd', null, `${when(k.created_at)} by ${k.created_by}`),
        h('dt', null, 'Expires'),
        h('dd', null, when(k.expires_at)),
        h('dt', null, 'Revoked'),
        h('dd', null, when(k.revoked_at)),
      ),
      editable ? edit : null,
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'Usage by hour'),
      usage.length
        ? h(
            'table',
            null,
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Hour', 'Endpoint', 'Requests', 'Completed', 'Aborted', 'Failed', 'Tokens in', 'Tokens out'].map((t) =>
                  h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              usage.map((r) =>
                h(
                  'tr',
                  null,
                  h('td', null, when(r.hour)),
                  h('td', null, r.endpoint),
                  h('td', null, r.requests),
                  h('td', null, r.completed),
                  h('td', null, r.aborted),
                  h('td', null, r.failed),
                  h('td', null, r.prompt_tokens),
                  h('td', null, r.completion_tokens),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No requests yet.'),
    ),
  );
}

function stat(label: string, value: number | string): HTMLElement {
  return h('div', { class: 'stat' }, h('span', { class: 'value' }, value), h('span', { class: 'label' }, label));
}
