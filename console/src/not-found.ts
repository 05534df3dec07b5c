// A detail page whose item does not exist (the router answers 404, or the name is not among those listed):
// the page says what is missing, in its own layout, with links back instead of the router's bare message.

import { ApiFailure } from './api';
import { h, type Child } from './dom';

/** `load`'s value, or null when the router answers 404 (any other failure is thrown on). */
export async function found<T>(load: Promise<T>): Promise<T | null> {
  try {
    return await load;
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404) return null;
    throw err;
  }
}

/** The not-found view: a heading, what is missing, and links (`[href, text]`) to go on from. */
export function missing(title: string, what: Child, links: Array<[string, string]>, more?: Child): HTMLElement {
  return h(
    'div',
    { class: 'page missing' },
    h('header', null, h('h1', null, title)),
    h(
      'section',
      { class: 'card' },
      h('p', null, what),
      more,
      h(
        'p',
        { class: 'row' },
        links.map(([href, text]) => h('a', { class: 'button secondary', href }, text)),
      ),
    ),
  );
}
