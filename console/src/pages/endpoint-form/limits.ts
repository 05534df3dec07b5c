// The Rate limits section: a row per limit (what it counts per, calls or tokens, how many, per what period).

import { field, h } from '../../dom';
import { input, removeButton, select } from './controls';
import type { Draft } from './draft';

export function rateLimitsSection(draft: Draft, render: () => void): HTMLFieldSetElement {
  return h(
    'fieldset',
    null,
    h('legend', null, 'Rate limits'),
    draft.rate_limits.map((r, i) => {
      // The router names the limit `rate_limits.<i>.calls` or `.tokens`, as Counts picks (a blank one is
      // always `.calls`): the field answers to the names of the current choice.
      const limitNames = () =>
        r.unit === 'tokens' ? `rate_limits.${i}.tokens rate_limits.${i}.calls` : `rate_limits.${i}.calls`;
      const limit = field(
        'Limit',
        input(r.amount, (v) => (r.amount = v), { inputmode: 'numeric' }),
        { name: limitNames() },
      );
      return h(
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
            (v) => {
              r.unit = v === 'tokens' ? 'tokens' : 'calls';
              limit.dataset.field = limitNames();
            },
          ),
          { name: `rate_limits.${i}.unit` },
        ),
        limit,
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
        removeButton(`Remove rate limit ${i + 1}`, () => draft.rate_limits.splice(i, 1), render),
      );
    }),
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
}
