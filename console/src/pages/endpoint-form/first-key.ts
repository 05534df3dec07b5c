// After create: the new endpoint's First Key, shown this once, with copy.

import { copyButton, h, replace } from '../../dom';
import type { PageContext } from '../../page';

/** Hides the form's card and shows, in `box`, that the endpoint was created, its First Key and a way to it. */
export function showFirstKey(
  box: HTMLElement,
  form: HTMLElement,
  name: string,
  key: string | null,
  ctx: PageContext,
): void {
  form.closest('section')!.hidden = true;
  replace(
    box,
    h(
      'section',
      { class: 'card', role: 'status' },
      h('h2', null, `Endpoint ${name} created`),
      key
        ? [
            h(
              'p',
              null,
              'Its First Key is shown only now. Copy it somewhere safe: it cannot be revoked or shown again.',
            ),
            h(
              'div',
              { class: 'copyable' },
              h('span', { class: 'label' }, 'First Key'),
              h('code', { class: 'secret' }, key),
              copyButton(() => key),
            ),
          ]
        : null,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', class: 'primary', onclick: () => ctx.navigate(`#/endpoints/${encodeURIComponent(name)}`) },
          'Open endpoint',
        ),
      ),
    ),
  );
}
