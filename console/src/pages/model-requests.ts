// Model requests ("+ Request a model"): ask for a model for your tenant, follow your requests' status;
// org and tenant admins triage them (#/model-requests/<id>). A second open request for the same model in
// a tenant is refused by the router with the first one's id, which the form links to.

import { ApiFailure, json, listAll, nextStep } from '../api';
import { clearFieldErrors, field, h, markUnreadable, pill, replace, showFieldError, when } from '../dom';
import { found, missing } from '../not-found';
import type { Page, PageContext } from '../page';
import { can } from '../session';

interface ModelRequest {
  id: string;
  tenant: string;
  requested_by: string;
  model: string;
  use_case: string;
  requirements: string;
  evaluation_criteria: string;
  current_limitations: string;
  expected_rpm_average: number | null;
  expected_rpm_peak: number | null;
  status: 'open' | 'approved' | 'declined' | 'deployed';
  note: string;
  decided_by: string | null;
  created_at: string;
  updated_at: string;
}

const BASE = '/admin/v1/model-requests';
const NEXT: Record<ModelRequest['status'], Array<ModelRequest['status']>> = {
  open: ['approved', 'declined', 'deployed'],
  approved: ['deployed', 'declined'],
  declined: [],
  deployed: [],
};

export const modelRequestsPage: Page = {
  id: 'model-requests',
  title: 'Model requests',
  nav: true,
  platformOnly: true,
  async render(ctx) {
    const [id] = ctx.params;
    return id ? requestInfo(ctx, id) : requestList(ctx);
  },
};

const link = (r: { id: string }, text: string) =>
  h('a', { href: `#/model-requests/${encodeURIComponent(r.id)}` }, text);

async function requestList(ctx: PageContext): Promise<HTMLElement> {
  const list = h('section', { class: 'card' });
  /** (Re)fills the list in place, so a submitted request's confirmation above it stays on screen. */
  const refresh = async () => replace(list, requestTable(ctx, await listAll<ModelRequest>(BASE, ctx.session.key)));
  await refresh();
  return h(
    'div',
    { class: 'page' },
    h('header', null, h('h1', null, 'Model requests')),
    requestForm(ctx, refresh),
    list,
  );
}

function requestTable(ctx: PageContext, requests: ModelRequest[]): Node[] {
  const triager = can.triageModelRequests(ctx.session);
  return [
    h('h2', null, triager ? 'Requests to triage' : 'Your requests'),
    requests.length
      ? h(
          'table',
          { class: 'model-requests' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Model', 'Status', 'Note', 'Requested by', 'Tenant', 'Requests/min (avg / peak)', 'Asked'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            requests.map((r) =>
              h(
                'tr',
                { 'data-request': r.id },
                h('td', null, link(r, r.model)),
                h('td', null, pill(r.status)),
                h('td', { class: 'description' }, r.note || '—'),
                h('td', null, r.requested_by),
                h('td', null, r.tenant),
                h('td', null, `${r.expected_rpm_average ?? '—'} / ${r.expected_rpm_peak ?? '—'}`),
                h('td', null, when(r.created_at)),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No model requests yet.'),
  ];
}

function requestForm(ctx: PageContext, refresh: () => Promise<void>): HTMLElement {
  const model = h('input', {
    type: 'text',
    name: 'model',
    placeholder: 'meta-llama/Llama-3.1-70B-Instruct',
    autocomplete: 'off',
  });
  const useCase = h('textarea', { name: 'use_case', rows: 3 });
  const requirements = h('textarea', { name: 'requirements', rows: 2 });
  const criteria = h('textarea', { name: 'evaluation_criteria', rows: 2 });
  const limitations = h('textarea', { name: 'current_limitations', rows: 2 });
  const average = h('input', { type: 'number', name: 'expected_rpm_average', min: 0, inputmode: 'numeric' });
  const peak = h('input', { type: 'number', name: 'expected_rpm_peak', min: 0, inputmode: 'numeric' });
  const formError = h('p', { class: 'error', role: 'alert', hidden: true });
  const done = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Submit request');
  const form = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'request-model-title' },
    h('h2', { id: 'request-model-title' }, '+ Request a model'),
    h('p', { class: 'hint' }, 'Tell the platform team which model you need and why. You can follow its status here.'),
    field('Model (name or Hugging Face id)', model, { name: 'model' }),
    field('Use case', useCase, { name: 'use_case', hint: 'What will you use it for?' }),
    h(
      'div',
      { class: 'columns' },
      field('Requirements and constraints', requirements, {
        name: 'requirements',
        hint: 'Context length, languages, latency, data residency…',
      }),
      field('Evaluation criteria', criteria, { name: 'evaluation_criteria', hint: 'How you will judge it.' }),
    ),
    field('Current limitations', limitations, {
      name: 'current_limitations',
      hint: 'What today’s models do not do well enough.',
    }),
    h(
      'div',
      { class: 'row' },
      field('Expected requests per minute (average)', average, { name: 'expected_rpm_average' }),
      field('Expected requests per minute (peak)', peak, { name: 'expected_rpm_peak' }),
    ),
    formError,
    h('div', { class: 'actions' }, submit),
    done,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    formError.hidden = true;
    replace(done);
    const unreadable = 'Must be a whole number, or blank.';
    if (
      markUnreadable(form, [
        [average, average.name, unreadable],
        [peak, peak.name, unreadable],
      ])
    )
      return;
    const body: Record<string, unknown> = { model: model.value, use_case: useCase.value };
    if (requirements.value) body.requirements = requirements.value;
    if (criteria.value) body.evaluation_criteria = criteria.value;
    if (limitations.value) body.current_limitations = limitations.value;
    if (average.value) body.expected_rpm_average = Number(average.value);
    if (peak.value) body.expected_rpm_peak = Number(peak.value);
    submit.disabled = true;
    try {
      const created = await json<ModelRequest>('POST', BASE, { key: ctx.session.key, body });
      form.reset();
      replace(
        done,
        h(
          'p',
          { class: 'notice', role: 'status' },
          'Request submitted: ',
          link(created, created.model),
          ' is open. The list below shows its status.',
        ),
      );
      // The list refreshes in place (a new render would drop the confirmation); if that fails, the request is still in.
      await refresh().catch(() => undefined);
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 409 && err.code === 'model_request_exists') {
        // The message names the tenant and the model before the open request's id: the id is the last `mr_…`.
        const id = err.message.match(/mr_[A-Za-z0-9_-]+/g)?.at(-1);
        showFieldError(form, 'model', 'Your tenant already has an open request for this model.');
        if (id) {
          const slot = form.querySelector('[data-field="model"] .field-error')!;
          slot.append(
            ' ',
            h('a', { href: `#/model-requests/${encodeURIComponent(id)}` }, `Follow request ${id}`),
            ' instead.',
          );
        }
        model.focus();
      } else if (!(err instanceof ApiFailure && err.param && showFieldError(form, err.param, err.message))) {
        formError.textContent = nextStep(err);
        formError.hidden = false;
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

async function requestInfo(ctx: PageContext, id: string): Promise<HTMLElement> {
  const r = await found(
    json<ModelRequest>('GET', `${BASE}/${encodeURIComponent(id)}`, { key: ctx.session.key, signal: ctx.signal }),
  );
  if (!r)
    return missing(
      'Model request not found',
      ['There is no model request ', h('code', null, id), ' that you may see.'],
      [['#/model-requests', 'All model requests']],
    );
  const rows: Array<[string, string]> = [
    ['Model', r.model],
    ['Use case', r.use_case],
    ['Requirements and constraints', r.requirements || '—'],
    ['Evaluation criteria', r.evaluation_criteria || '—'],
    ['Current limitations', r.current_limitations || '—'],
    ['Requests per minute', `${r.expected_rpm_average ?? '—'} average, ${r.expected_rpm_peak ?? '—'} peak`],
    ['Tenant', r.tenant],
    ['Requested by', `${r.requested_by}, ${when(r.created_at)}`],
    ['Decided by', r.decided_by ? `${r.decided_by}, ${when(r.updated_at)}` : '—'],
    ['Note', r.note || '—'],
  ];
  const next = NEXT[r.status];
  let triage: HTMLElement | null = null;
  if (can.triageModelRequests(ctx.session) && next.length) {
    const status = h(
      'select',
      { name: 'status' },
      next.map((s) => h('option', { value: s }, s)),
    );
    const note = h('textarea', { name: 'note', rows: 2 });
    note.value = r.note;
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    triage = h(
      'form',
      { class: 'card', novalidate: true, 'aria-labelledby': 'triage-title' },
      h('h2', { id: 'triage-title' }, 'Triage'),
      h(
        'div',
        { class: 'row' },
        field('New status', status, { name: 'status' }),
        field('Note to the requester', note, { name: 'note' }),
      ),
      error,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Update status')),
    );
    triage.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFieldErrors(triage!);
      error.hidden = true;
      try {
        await json('PATCH', `${BASE}/${encodeURIComponent(r.id)}`, {
          key: ctx.session.key,
          body: { status: status.value, note: note.value },
        });
        ctx.navigate(`#/model-requests/${encodeURIComponent(r.id)}`);
      } catch (err) {
        if (!(err instanceof ApiFailure && err.param && showFieldError(triage!, err.param, err.message))) {
          error.textContent = nextStep(err);
          error.hidden = false;
        }
      }
    });
  }
  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      null,
      h('h1', null, r.model, ' ', pill(r.status)),
      h('a', { href: '#/model-requests' }, 'All requests'),
    ),
    h(
      'section',
      { class: 'card' },
      h(
        'dl',
        { class: 'props' },
        rows.map(([k, v]) => [h('dt', null, k), h('dd', { class: 'pre' }, v)]),
      ),
    ),
    triage,
  );
}
