// The playground's "API calls of this session": one row per chat request this page made, newest first.

import { h, replace, uid } from '../../dom';
import { state, type CallRecord } from './state';

export class CallsTable {
  readonly card: HTMLElement;
  private readonly body = h('tbody');

  constructor() {
    const id = uid('calls');
    this.card = h(
      'section',
      { class: 'card', 'aria-labelledby': id },
      h('h2', { id }, 'API calls of this session'),
      h(
        'p',
        { class: 'hint' },
        'Kept in this page only: a reload forgets them, and the router stores no chat content.',
      ),
      h(
        'table',
        { class: 'calls' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Time', 'Request', 'Endpoint', 'Status', 'First token', 'Total', 'Tokens (in / out)', 'Request id'].map(
              (t) => h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        this.body,
      ),
    );
    this.render();
  }

  add(call: CallRecord): void {
    state.calls.unshift(call);
    this.render();
  }

  private render(): void {
    replace(
      this.body,
      state.calls.length
        ? state.calls.map((c) => {
            const o = c.outcome;
            const status = o.stopped ? 'stopped' : o.status === 0 ? 'network error' : String(o.status);
            return h(
              'tr',
              { 'data-request-id': o.requestId },
              h('td', null, c.at.toLocaleTimeString()),
              h('td', null, h('code', null, `${c.method} ${c.path}`)),
              h('td', null, c.endpoint),
              h('td', null, h('span', { class: `pill ${o.error ? 'bad' : o.stopped ? 'warn' : 'ok'}` }, status)),
              h('td', null, o.ttftMs === null ? '—' : `${o.ttftMs} ms`),
              h('td', null, `${o.totalMs} ms`),
              h('td', null, o.usage ? `${o.usage.prompt_tokens} / ${o.usage.completion_tokens}` : '—'),
              h('td', null, h('code', null, o.requestId)),
            );
          })
        : h('tr', null, h('td', { colspan: 8, class: 'muted' }, 'No calls yet.')),
    );
  }
}
