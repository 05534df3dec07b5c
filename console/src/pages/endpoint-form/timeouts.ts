// The Timeouts section: first byte, idle between chunks and total, in milliseconds.

import { field, h } from '../../dom';
import { input } from './controls';
import type { Draft } from './draft';
import { TIMEOUT_FIELDS } from './field-lists';

export function timeoutsSection(draft: Draft): HTMLFieldSetElement {
  return h(
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
}
