// The Served entities and origins section: each entity's name, protocol, model and traffic share, its
// origins (./origins.ts), and the traffic split's error slot and hint.

import { field, h } from '../../dom';
import { input, removeButton, select } from './controls';
import { emptyEntity, type Draft } from './draft';
import { originRows } from './origins';

export function servedEntitiesSection(draft: Draft, render: () => void): HTMLFieldSetElement {
  return h(
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
            ? removeButton(`Remove served entity ${i + 1}`, () => draft.entities.splice(i, 1), render)
            : null,
        ),
        originRows(entity, i, render),
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
}
