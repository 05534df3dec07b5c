// The playground's endpoint key, for platform sessions: the inference API takes endpoint keys only.

import { field, h, replace } from '../../dom';
import { maskKey, playgroundKey, setPlaygroundKey, type Session } from '../../session';

/**
 * A platform session needs an endpoint key for the inference API: ask for one. `changed` hears the key
 * (or null) each time the notice is drawn, so Send can follow it. Null for other sessions: their own key chats.
 */
export function keyNotice(session: Session, changed: (key: string | null) => void): HTMLElement | null {
  if (session.kind !== 'platform') return null;
  const input = h('input', { type: 'password', name: 'playground-key', autocomplete: 'off', placeholder: 'sk-rt-…' });
  const box = h('div', { class: 'notice' });
  const show = () => {
    const key = playgroundKey(session);
    replace(
      box,
      key
        ? h(
            'p',
            null,
            'Chatting with endpoint key ',
            h('code', null, maskKey(key)),
            ' ',
            h(
              'button',
              { type: 'button', class: 'secondary small', onclick: () => (setPlaygroundKey(null), show()) },
              'Change',
            ),
          )
        : [
            h(
              'p',
              null,
              'The inference API takes endpoint keys, not platform keys. Paste an endpoint key to chat (kept in this tab only), or create one under ',
              h('a', { href: '#/keys' }, 'Keys'),
              '.',
            ),
            h(
              'div',
              { class: 'row' },
              field('Endpoint key for the playground', input),
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  onclick: () => (setPlaygroundKey(input.value.trim() || null), show()),
                },
                'Use key',
              ),
            ),
          ],
    );
    changed(key);
  };
  show();
  return box;
}
