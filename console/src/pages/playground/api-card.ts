// The playground's API view: the request the chat would send, as code in the language its tabs pick.

import { copyButton, h, replace, uid } from '../../dom';
import { maskKey, playgroundKey, type Session } from '../../session';
import { SNIPPET_LABELS, snippet, KEY_VARIABLE, type SnippetLanguage } from '../../snippets';
import { tablist } from '../../tabs';
import { sentMessages, state } from './state';

export class ApiCard {
  /** The snippet: the language tabs' one panel. */
  private readonly snippetCode = h('code');
  private readonly snippetPanel = h(
    'pre',
    { class: 'snippet', role: 'tabpanel', tabindex: '0', id: uid('snippet') },
    this.snippetCode,
  );
  private readonly snippetHint = h('p', { class: 'hint' });
  private readonly languageTabs: Record<SnippetLanguage, string> = {
    python: uid('tab'),
    javascript: uid('tab'),
    curl: uid('tab'),
    tgi: uid('tab'),
  };

  /** `card`: the API view's tabpanel, filled here. */
  constructor(
    card: HTMLElement,
    private readonly session: Session,
  ) {
    const languages = Object.keys(SNIPPET_LABELS) as SnippetLanguage[];
    const tabs = tablist(
      'Language',
      languages.map((lang) => ({
        key: lang,
        label: SNIPPET_LABELS[lang],
        id: this.languageTabs[lang],
        panel: this.snippetPanel.id,
      })),
      state.language,
      (lang) => ((state.language = lang), this.render()),
    );
    replace(
      card,
      h(
        'div',
        { class: 'row' },
        h('h2', null, 'API'),
        h('span', { class: 'spacer' }),
        copyButton(() => this.snippetCode.textContent ?? '', 'Copy code'),
      ),
      tabs,
      this.snippetPanel,
      this.snippetHint,
    );
  }

  /** The snippet of the selected language: the request the UI would send (failed turns left out). */
  render(): void {
    if (state.view !== 'api') return;
    const input = {
      baseUrl: location.origin,
      endpoint: state.endpoint || 'ENDPOINT',
      settings: state.settings,
      messages: sentMessages(),
    };
    this.snippetCode.setAttribute('data-language', state.language);
    this.snippetCode.textContent = snippet(state.language, input);
    this.snippetPanel.setAttribute('aria-labelledby', this.languageTabs[state.language]);
    const keyLine = playgroundKey(this.session);
    replace(
      this.snippetHint,
      `The code reads your key from $${KEY_VARIABLE}`,
      keyLine ? [' (this page uses ', h('code', null, maskKey(keyLine)), ')'] : null,
      '. It sends the settings of the panel; blank ones are left to the endpoint’s defaults.',
      state.turns.some((t) => t.failed !== undefined)
        ? ' Failed messages are left out, as the chat leaves them out.'
        : null,
    );
  }
}
