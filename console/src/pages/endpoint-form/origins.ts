// One served entity's origins: a row per origin (URL, weight, region) and the Add origin button.

import { field, h, type Child } from '../../dom';
import { input, removeButton } from './controls';
import { emptyOrigin, type EntityDraft } from './draft';

/** The rows for served entity `i`; their `data-field`s are `served_entities.<i>.origins.<j>.<field>`. */
export function originRows(entity: EntityDraft, i: number, render: () => void): Child[] {
  return [
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
          ? removeButton(`Remove origin ${j + 1} of served entity ${i + 1}`, () => entity.origins.splice(j, 1), render)
          : null,
      ),
    ),
    h(
      'button',
      { type: 'button', class: 'secondary small', onclick: () => (entity.origins.push(emptyOrigin()), render()) },
      'Add origin',
    ),
  ];
}
