// The Defaults section: sampling parameters, stop sequences and system prompt a request may leave out.

import { field, h } from '../../dom';
import { input, textarea } from './controls';
import type { Draft } from './draft';
import { DEFAULT_FIELDS } from './field-lists';

export function defaultsSection(draft: Draft): HTMLFieldSetElement {
  return h(
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
}
