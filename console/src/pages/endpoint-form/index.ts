// The endpoint create and edit form. The draft lives in plain objects (strings, as typed; ./draft.ts); adding
// or removing a row re-renders the form from it, so every field's `data-field` is the path the router names
// in a validation error (`served_entities.0.origins.1.url`), and the message lands beside that field
// (./field-errors.ts). Each section is built by its own file; ./to-config.ts turns the draft into the body.

import { json, listAll } from '../../api';
import { clearFieldErrors, h, replace } from '../../dom';
import type { PageContext } from '../../page';
import { can } from '../../session';
import { isExternal, type EndpointView } from '../../types';
import { defaultsSection } from './defaults';
import { draftOf } from './draft';
import { externalModelNotice } from './external-model';
import { showSubmitError } from './field-errors';
import { showFirstKey } from './first-key';
import { generalSection } from './general';
import { rateLimitsSection } from './limits';
import { servedEntitiesSection } from './served-entities';
import { tagsSection } from './tags';
import { timeoutsSection } from './timeouts';
import { bodyOf } from './to-config';

export async function endpointForm(ctx: PageContext, existing: EndpointView | null): Promise<HTMLElement> {
  const creating = existing === null;
  if (existing && existing.served_entities.some(isExternal)) return externalModelNotice(existing);
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

  const render = () => {
    replace(
      form,
      generalSection(draft, { creating, pickTenant, tenants }),
      servedEntitiesSection(draft, render),
      defaultsSection(draft),
      rateLimitsSection(draft, render),
      tagsSection(draft, render),
      timeoutsSection(draft),
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
      showSubmitError(form, formError, err);
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
