// The Tags section: a key and value row per tag.

import { field, h } from '../../dom';
import { input, removeButton } from './controls';
import type { Draft } from './draft';

export function tagsSection(draft: Draft, render: () => void): HTMLFieldSetElement {
  return h(
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
        removeButton(`Remove tag ${i + 1}`, () => draft.tags.splice(i, 1), render),
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
}
