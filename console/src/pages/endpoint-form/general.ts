// The Endpoint section: name (when creating), tenant (when the session may pick one) and description.

import { field, h } from '../../dom';
import { input, select } from './controls';
import type { Draft } from './draft';

export function generalSection(
  draft: Draft,
  opts: { creating: boolean; pickTenant: boolean; tenants: Array<{ id: string }> },
): HTMLFieldSetElement {
  const { creating, pickTenant, tenants } = opts;
  return h(
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
}
