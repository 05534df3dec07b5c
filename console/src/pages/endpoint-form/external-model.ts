// In place of the form for an endpoint that serves an external model: where to change it instead.

import { h } from '../../dom';
import type { EndpointView } from '../../types';

/** The form edits self-hosted origins; an external model's config (provider, task, secret reference) goes through the API. */
export function externalModelNotice(existing: EndpointView): HTMLElement {
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
