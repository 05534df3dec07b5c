import { listAll, listEndpoints } from '../api';
import { h, pill } from '../dom';
import { keyStatus } from '../key-status';
import type { Page } from '../page';
import type { KeyView } from '../types';

/** The start page of a platform session: what is running, at a glance. */
export const dashboardPage: Page = {
  id: 'dashboard',
  title: 'Dashboard',
  nav: true,
  platformOnly: true,
  async render({ session }) {
    const [endpoints, keys] = await Promise.all([
      listEndpoints(session.key),
      listAll<KeyView>('/admin/v1/keys', session.key),
    ]);
    const count = (state: string) => endpoints.filter((e) => e.state === state).length;
    const activeKeys = keys.filter((k) => keyStatus(k) === 'active').length;
    return h(
      'div',
      { class: 'page' },
      h('h1', null, 'Dashboard'),
      h(
        'section',
        { class: 'stats', 'aria-label': 'Summary' },
        stat('Endpoints', endpoints.length),
        stat('Ready', count('ready')),
        stat('Not ready', count('not_ready')),
        stat('Stopped', count('stopped')),
        stat('Active keys', activeKeys),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', null, 'Endpoints'),
        endpoints.length
          ? h(
              'table',
              null,
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  h('th', null, 'Name'),
                  h('th', null, 'State'),
                  h('th', null, 'Config'),
                  h('th', null, 'Tenant'),
                ),
              ),
              h(
                'tbody',
                null,
                endpoints.map((e) =>
                  h(
                    'tr',
                    null,
                    h('td', null, h('a', { href: `#/endpoints/${encodeURIComponent(e.name)}` }, e.name)),
                    h('td', null, pill(e.state)),
                    h(
                      'td',
                      null,
                      `v${e.config_version}`,
                      e.config_update !== 'none' ? [' ', pill(e.config_update)] : null,
                    ),
                    h('td', null, e.tenant),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'No endpoints yet.'),
      ),
    );
  },
};

function stat(label: string, value: number): HTMLElement {
  return h('div', { class: 'stat' }, h('span', { class: 'value' }, value), h('span', { class: 'label' }, label));
}
