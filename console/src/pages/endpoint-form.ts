// The endpoint create and edit form. The draft lives in plain objects (strings, as typed); adding or
// removing a row re-renders the form from it, so every field's `data-field` is the path the router names
// in a validation error (`served_entities.0.origins.1.url`), and the message lands beside that field.

import { json, listAll, nextStep, ApiFailure } from '../api';
import { clearFieldErrors, copyButton, field, h, replace, showFieldError } from '../dom';
import type { PageContext } from '../page';
import { can } from '../session';
import { isExternal, type EndpointView, type SelfHostedEntity } from '../types';

interface OriginDraft {
  url: string;
  weight: string;
  region: string;
}
interface EntityDraft {
  name: string;
  protocol: 'openai' | 'tgi';
  model: string;
  model_version: string;
  traffic: string;
  origins: OriginDraft[];
}
interface Draft {
  name: string;
  tenant: string;
  description: string;
  entities: EntityDraft[];
  defaults: Record<string, string>;
  rate_limits: Array<{ key: string; unit: 'calls' | 'tokens'; amount: string; renewal_period: string }>;
  tags: Array<{ key: string; value: string }>;
  timeouts: Record<string, string>;
}

const DEFAULT_FIELDS: Array<{ name: string; label: string; kind: 'number' | 'integer' | 'text' | 'stop' }> = [
  { name: 'temperature', label: 'Temperature', kind: 'number' },
  { name: 'max_tokens', label: 'Max tokens', kind: 'integer' },
  { name: 'top_p', label: 'Top P', kind: 'number' },
  { name: 'top_k', label: 'Top K', kind: 'integer' },
  { name: 'presence_penalty', label: 'Presence penalty', kind: 'number' },
  { name: 'frequency_penalty', label: 'Frequency penalty', kind: 'number' },
  { name: 'stop', label: 'Stop sequences (one per line)', kind: 'stop' },
  { name: 'system_prompt', label: 'System prompt', kind: 'text' },
];
const TIMEOUT_FIELDS = [
  { name: 'first_byte_ms', label: 'First byte (ms)' },
  { name: 'idle_ms', label: 'Idle between chunks (ms)' },
  { name: 'total_ms', label: 'Total (ms)' },
];

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const emptyOrigin = (): OriginDraft => ({ url: '', weight: '', region: '' });
const emptyEntity = (): EntityDraft => ({
  name: '',
  protocol: 'openai',
  model: '',
  model_version: '',
  traffic: '',
  origins: [emptyOrigin()],
});

function draftOf(e: EndpointView | null): Draft {
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

/** A number as typed; text that is not one goes as it is, so the router names the field. */
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

function bodyOf(d: Draft, creating: boolean, withTenant: boolean): Record<string, unknown> {
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

export async function endpointForm(ctx: PageContext, existing: EndpointView | null): Promise<HTMLElement> {
  const creating = existing === null;
  if (existing && existing.served_entities.some(isExternal)) {
    // The form edits self-hosted origins; an external model's config (provider, task, secret reference) goes through the API.
    return h(
      'section',
      { class: 'card' },
      h('h1', null, `Edit ${existing.name}`),
      h(
        'p',
        null,
        'This endpoint serves an external model. Change it with the admin API (',
        h('code', null, `PATCH /admin/v1/endpoints/${existing.name}`),
        ') or the CLI (',
        h('code', null, `npx edge-router endpoint update ${existing.name} --from-file spec.json`),
        ').',
      ),
    );
  }
  const pickTenant = creating && can.pickTenant(ctx.session);
  const tenants = pickTenant ? await listAll<{ id: string }>('/admin/v1/tenants', ctx.session.key) : [];
  const draft = draftOf(existing);
  const form = h('form', { class: 'endpoint-form', novalidate: true, 'aria-labelledby': 'endpoint-form-title' });
  const formError = h('p', { class: 'error', role: 'alert', hidden: true });
  const submit = h(
    'button',
    { type: 'submit', class: 'primary' },
    creating ? 'Create endpoint' : 'Save as new version',
  );
  const created = h('div');

  /** A text input bound to `get`/`set` on the draft. */
  const input = (value: string, set: (v: string) => void, attrs: Record<string, string | number | boolean> = {}) => {
    const el = h('input', { type: 'text', value, ...attrs });
    el.addEventListener('input', () => set(el.value));
    return el;
  };
  const textarea = (value: string, set: (v: string) => void, rows = 2) => {
    const el = h('textarea', { rows });
    el.value = value;
    el.addEventListener('input', () => set(el.value));
    return el;
  };
  const select = (value: string, options: Array<[string, string]>, set: (v: string) => void) => {
    const el = h(
      'select',
      null,
      options.map(([v, label]) => h('option', { value: v }, label)),
    );
    el.value = value;
    el.addEventListener('change', () => set(el.value));
    return el;
  };
  const removeButton = (label: string, remove: () => void) =>
    h(
      'button',
      { type: 'button', class: 'secondary small', 'aria-label': label, onclick: () => (remove(), render()) },
      'Remove',
    );

  const render = () => {
    const general = h(
      'fieldset',
      null,
      h('legend', null, 'Endpoint'),
      h(
        'div',
        { class: 'row' },
        creating
          ? field(
              'Name',
              input(draft.name, (v) => (draft.name = v), { autocomplete: 'off', required: true }),
              { name: 'name', hint: 'Letters, digits, ".", "_" or "-"; clients send it as "model".' },
            )
          : null,
        pickTenant
          ? field(
              'Tenant',
              select(
                draft.tenant,
                [
                  ['', 'default'],
                  ...tenants.filter((t) => t.id !== 'default').map((t): [string, string] => [t.id, t.id]),
                ],
                (v) => (draft.tenant = v),
              ),
              { name: 'tenant' },
            )
          : null,
      ),
      field(
        'Description',
        input(draft.description, (v) => (draft.description = v)),
        { name: 'description' },
      ),
    );

    const entities = h(
      'fieldset',
      null,
      h('legend', null, 'Served entities and origins'),
      draft.entities.map((entity, i) =>
        h(
          'div',
          { class: 'group', 'data-field': `served_entities.${i}` },
          h(
            'div',
            { class: 'row' },
            field(
              'Served entity name',
              input(entity.name, (v) => (entity.name = v)),
              { name: `served_entities.${i}.name` },
            ),
            field(
              'Protocol',
              select(
                entity.protocol,
                [
                  ['openai', 'OpenAI API'],
                  ['tgi', 'TGI'],
                ],
                (v) => (entity.protocol = v as 'openai' | 'tgi'),
              ),
              // Short option labels fit the control at any width; which servers speak each goes here.
              {
                name: `served_entities.${i}.protocol`,
                hint: 'OpenAI API: vLLM, SGLang, llama.cpp. TGI: text-generation-inference.',
              },
            ),
            field(
              'Model',
              input(entity.model, (v) => (entity.model = v), { placeholder: 'meta-llama/Llama-3.1-8B-Instruct' }),
              { name: `served_entities.${i}.model` },
            ),
            field(
              'Model version',
              input(entity.model_version, (v) => (entity.model_version = v)),
              { name: `served_entities.${i}.model_version` },
            ),
            draft.entities.length > 1
              ? field(
                  'Traffic %',
                  input(entity.traffic, (v) => (entity.traffic = v), { inputmode: 'numeric' }),
                  { name: `traffic.${i}.percentage` },
                )
              : null,
            draft.entities.length > 1
              ? removeButton(`Remove served entity ${i + 1}`, () => draft.entities.splice(i, 1))
              : null,
          ),
          entity.origins.map((origin, j) =>
            h(
              'div',
              { class: 'row origin' },
              field(
                'Origin URL',
                input(origin.url, (v) => (origin.url = v), { placeholder: 'http://10.0.0.5:8000', inputmode: 'url' }),
                { name: `served_entities.${i}.origins.${j}.url` },
              ),
              field(
                'Weight',
                input(origin.weight, (v) => (origin.weight = v), { inputmode: 'numeric', placeholder: '1' }),
                { name: `served_entities.${i}.origins.${j}.weight` },
              ),
              field(
                'Region',
                input(origin.region, (v) => (origin.region = v), { placeholder: 'optional' }),
                { name: `served_entities.${i}.origins.${j}.region` },
              ),
              entity.origins.length > 1
                ? removeButton(`Remove origin ${j + 1} of served entity ${i + 1}`, () => entity.origins.splice(j, 1))
                : null,
            ),
          ),
          h(
            'button',
            { type: 'button', class: 'secondary small', onclick: () => (entity.origins.push(emptyOrigin()), render()) },
            'Add origin',
          ),
        ),
      ),
      h('div', { 'data-field': 'traffic' }, h('p', { class: 'field-error', role: 'alert', hidden: true })),
      h(
        'button',
        { type: 'button', class: 'secondary small', onclick: () => (draft.entities.push(emptyEntity()), render()) },
        'Add served entity',
      ),
      draft.entities.length > 1
        ? h(
            'p',
            { class: 'hint' },
            'Traffic: leave every % blank for an even split, or give each one (they must add up to 100).',
          )
        : null,
    );

    const defaults = h(
      'fieldset',
      null,
      h('legend', null, 'Defaults (used when a request leaves the field out)'),
      h(
        'div',
        { class: 'row' },
        DEFAULT_FIELDS.filter((f) => f.kind === 'number' || f.kind === 'integer').map((f) =>
          field(
            f.label,
            input(draft.defaults[f.name] ?? '', (v) => (draft.defaults[f.name] = v), { inputmode: 'decimal' }),
            { name: `defaults.${f.name}` },
          ),
        ),
      ),
      field(
        'Stop sequences (one per line)',
        textarea(draft.defaults.stop ?? '', (v) => (draft.defaults.stop = v)),
        { name: 'defaults.stop' },
      ),
      field(
        'System prompt',
        textarea(draft.defaults.system_prompt ?? '', (v) => (draft.defaults.system_prompt = v), 3),
        { name: 'defaults.system_prompt' },
      ),
    );

    const limits = h(
      'fieldset',
      null,
      h('legend', null, 'Rate limits'),
      draft.rate_limits.map((r, i) =>
        h(
          'div',
          { class: 'row' },
          field(
            'Counted per',
            select(
              r.key,
              [
                ['api_key', 'API key'],
                ['endpoint', 'endpoint (all keys)'],
                ['tenant', 'tenant (its keys)'],
              ],
              (v) => (r.key = v),
            ),
            { name: `rate_limits.${i}.key` },
          ),
          field(
            'Counts',
            select(
              r.unit,
              [
                ['calls', 'calls'],
                ['tokens', 'tokens'],
              ],
              (v) => (r.unit = v === 'tokens' ? 'tokens' : 'calls'),
            ),
            { name: `rate_limits.${i}.unit` },
          ),
          field(
            'Limit',
            input(r.amount, (v) => (r.amount = v), { inputmode: 'numeric' }),
            { name: `rate_limits.${i}.${r.unit}` },
          ),
          field(
            'Per',
            select(
              r.renewal_period,
              [
                ['minute', 'minute'],
                ['hour', 'hour'],
                ['day', 'day'],
              ],
              (v) => (r.renewal_period = v),
            ),
            { name: `rate_limits.${i}.renewal_period` },
          ),
          removeButton(`Remove rate limit ${i + 1}`, () => draft.rate_limits.splice(i, 1)),
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          onclick: () => (
            draft.rate_limits.push({ key: 'api_key', unit: 'calls', amount: '', renewal_period: 'minute' }),
            render()
          ),
        },
        'Add rate limit',
      ),
    );

    const tags = h(
      'fieldset',
      null,
      h('legend', null, 'Tags'),
      draft.tags.map((t, i) =>
        h(
          'div',
          { class: 'row' },
          field(
            'Tag key',
            input(t.key, (v) => (t.key = v)),
            { name: `tags.${i}.key` },
          ),
          field(
            'Tag value',
            input(t.value, (v) => (t.value = v)),
            { name: `tags.${i}.value` },
          ),
          removeButton(`Remove tag ${i + 1}`, () => draft.tags.splice(i, 1)),
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          onclick: () => (draft.tags.push({ key: '', value: '' }), render()),
        },
        'Add tag',
      ),
    );

    const timeouts = h(
      'fieldset',
      null,
      h('legend', null, 'Timeouts'),
      h(
        'div',
        { class: 'row' },
        TIMEOUT_FIELDS.map((f) =>
          field(
            f.label,
            input(draft.timeouts[f.name] ?? '', (v) => (draft.timeouts[f.name] = v), {
              inputmode: 'numeric',
              placeholder: 'default',
            }),
            { name: `timeouts.${f.name}` },
          ),
        ),
      ),
    );

    replace(
      form,
      general,
      entities,
      defaults,
      limits,
      tags,
      timeouts,
      formError,
      h(
        'div',
        { class: 'actions' },
        h(
          'a',
          {
            class: 'button secondary',
            href: creating ? '#/endpoints' : `#/endpoints/${encodeURIComponent(draft.name)}`,
          },
          'Cancel',
        ),
        submit,
      ),
    );
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    formError.hidden = true;
    submit.disabled = true;
    try {
      const body = bodyOf(draft, creating, pickTenant);
      if (creating) {
        const result = await json<EndpointView & { first_key?: { key: string; id: string } }>(
          'POST',
          '/admin/v1/endpoints',
          { key: ctx.session.key, body },
        );
        showFirstKey(created, form, result.name, result.first_key?.key ?? null, ctx);
      } else {
        await json('PATCH', `/admin/v1/endpoints/${encodeURIComponent(draft.name)}`, { key: ctx.session.key, body });
        ctx.navigate(`#/endpoints/${encodeURIComponent(draft.name)}`);
      }
    } catch (err) {
      const placed = err instanceof ApiFailure && err.param !== null && showFieldError(form, err.param, err.message);
      if (placed)
        form
          .querySelector<HTMLElement>('.field.invalid input, .field.invalid select, .field.invalid textarea')
          ?.focus();
      else {
        formError.textContent = nextStep(err);
        formError.hidden = false;
      }
    } finally {
      submit.disabled = false;
    }
  });

  render();
  return h(
    'div',
    { class: 'page' },
    h('header', null, h('h1', { id: 'endpoint-form-title' }, creating ? 'Create endpoint' : `Edit ${draft.name}`)),
    creating
      ? null
      : h(
          'p',
          { class: 'hint' },
          'Saving writes a new config version; it serves once its origins pass a health probe, and the current one serves until then.',
        ),
    created,
    h('section', { class: 'card' }, form),
  );
}

/** After create: the First Key, shown this once, with copy. */
function showFirstKey(box: HTMLElement, form: HTMLElement, name: string, key: string | null, ctx: PageContext): void {
  form.closest('section')!.hidden = true;
  replace(
    box,
    h(
      'section',
      { class: 'card', role: 'status' },
      h('h2', null, `Endpoint ${name} created`),
      key
        ? [
            h(
              'p',
              null,
              'Its First Key is shown only now. Copy it somewhere safe: it cannot be revoked or shown again.',
            ),
            h(
              'div',
              { class: 'copyable' },
              h('span', { class: 'label' }, 'First Key'),
              h('code', { class: 'secret' }, key),
              copyButton(() => key),
            ),
          ]
        : null,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', class: 'primary', onclick: () => ctx.navigate(`#/endpoints/${encodeURIComponent(name)}`) },
          'Open endpoint',
        ),
      ),
    ),
  );
}
