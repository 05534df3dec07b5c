// The playground: pick an endpoint, chat with it token by token (Stop aborts the request), tune the UI
// settings, see the same request as code (API view), and the calls this page made. Everything lives in
// this module's memory: a reload forgets it, and nothing of a chat is stored or logged by the router.

import { json, listEndpoints, nextStep } from '../api';
import { streamChat, type StreamOutcome } from '../chat-stream';
import { clearFieldErrors, copyButton, field, h, replace, showFieldError, uid, type Child } from '../dom';
import type { Page, PageContext } from '../page';
import { maskKey, playgroundKey, setPlaygroundKey } from '../session';
import { chatBody, type ChatMessage, type ChatSettings } from '../settings';
import { SNIPPET_LABELS, snippet, KEY_VARIABLE, type SnippetLanguage } from '../snippets';
import { tablist } from '../tabs';
import { isExternal, type Defaults } from '../types';

interface EndpointChoice {
  name: string;
  /** Regions of its origins (known to platform sessions only). */
  regions: string[];
  defaults: Defaults | null;
}

/**
 * A turn of the conversation as shown. A user turn whose request failed (or was stopped before any answer)
 * stays on screen, marked, but is not sent with later requests; Retry sends it again as the newest turn.
 */
interface Turn extends ChatMessage {
  /** Under an answer: "N tokens · M ms", or "Stopped". */
  note?: string;
  /** The user turn's request failed: what to do next. */
  failed?: string;
  /** What streamed before the failure (shown, never sent). */
  partial?: string;
}

interface CallRecord {
  at: Date;
  method: string;
  path: string;
  endpoint: string;
  outcome: StreamOutcome;
}

/** This tab's playground state (kept while the user visits other pages; gone on reload). */
const state = {
  endpoint: '',
  region: '',
  view: 'ui' as 'ui' | 'api',
  language: 'python' as SnippetLanguage,
  settings: {} as ChatSettings,
  turns: [] as Turn[],
  calls: [] as CallRecord[],
};

const NUMBER_FIELDS: Array<{
  name: keyof ChatSettings;
  label: string;
  min: number;
  max?: number;
  step: string;
  integer?: boolean;
}> = [
  { name: 'temperature', label: 'Temperature', min: 0, max: 2, step: '0.1' },
  { name: 'max_tokens', label: 'Max tokens', min: 1, step: '1', integer: true },
  { name: 'top_p', label: 'Top P', min: 0, max: 1, step: '0.05' },
  { name: 'top_k', label: 'Top K', min: -1, step: '1', integer: true },
  { name: 'presence_penalty', label: 'Presence penalty', min: -2, max: 2, step: '0.1' },
  { name: 'frequency_penalty', label: 'Frequency penalty', min: -2, max: 2, step: '0.1' },
];

export const playgroundPage: Page = {
  id: 'playground',
  title: 'Playground',
  nav: true,
  platformOnly: false,
  async render(ctx) {
    const endpoints = await loadEndpoints(ctx);
    if (!endpoints.some((e) => e.name === state.endpoint)) state.endpoint = endpoints[0]?.name ?? '';
    return new Playground(ctx, endpoints).root;
  },
};

async function loadEndpoints(ctx: PageContext): Promise<EndpointChoice[]> {
  if (ctx.session.kind === 'platform') {
    const list = await listEndpoints(ctx.session.key);
    return list.map((e) => ({
      name: e.name,
      regions: [
        ...new Set(
          e.served_entities.flatMap((s) =>
            (isExternal(s) ? [] : s.origins).map((o) => o.region).filter((r): r is string => !!r),
          ),
        ),
      ],
      defaults: e.defaults,
    }));
  }
  const models = await json<{ data: Array<{ id: string }> }>('GET', '/v1/models', {
    key: ctx.session.key,
    signal: ctx.signal,
  });
  return models.data.map((m) => ({ name: m.id, regions: [], defaults: null }));
}

class Playground {
  readonly root: HTMLElement;
  private readonly messagesBox = h('div', {
    class: 'messages',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': 'Conversation',
  });
  private readonly input = h('textarea', {
    rows: 3,
    name: 'prompt',
    placeholder: 'Type a message. Enter sends, Shift+Enter adds a line.',
  });
  private readonly sendButton = h('button', { type: 'submit', class: 'primary' }, 'Send');
  private readonly stopButton = h('button', { type: 'button', class: 'danger', disabled: true }, 'Stop');
  private readonly status = h('p', { class: 'hint', role: 'status' });
  private readonly panel = h('form', { class: 'card panel', 'aria-label': 'Configuration', novalidate: true });
  private readonly chatCard = h('section', { class: 'card chat', role: 'tabpanel', id: uid('chat') });
  private readonly apiCard = h('section', { class: 'card', role: 'tabpanel', id: uid('api') });
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
  private readonly callsBody = h('tbody');
  private readonly endpointSelect = h('select', { name: 'endpoint' });
  private running: AbortController | null = null;

  constructor(
    private readonly ctx: PageContext,
    private readonly endpoints: EndpointChoice[],
  ) {
    ctx.signal.addEventListener('abort', () => this.running?.abort());
    const tabs = this.tabs();
    this.buildChat();
    this.buildApi();
    this.buildPanel();
    this.root = h(
      'div',
      { class: 'page' },
      h('header', null, h('h1', null, 'Playground'), tabs),
      h('div', { class: 'playground' }, h('div', null, this.chatCard, this.apiCard, this.callsCard()), this.panel),
    );
    this.showView();
  }

  // ── View: UI or API ─────────────────────────────────────────────────────
  private tabs(): HTMLElement {
    const ui = uid('tab');
    const api = uid('tab');
    this.chatCard.setAttribute('aria-labelledby', ui);
    this.apiCard.setAttribute('aria-labelledby', api);
    return tablist(
      'View',
      [
        { key: 'ui', label: 'UI', id: ui, panel: this.chatCard.id },
        { key: 'api', label: 'API', id: api, panel: this.apiCard.id },
      ],
      state.view,
      (view) => ((state.view = view), this.showView()),
    );
  }

  private showView(): void {
    this.chatCard.hidden = state.view !== 'ui';
    this.apiCard.hidden = state.view !== 'api';
    if (state.view === 'api') this.renderSnippets();
  }

  // ── Chat ────────────────────────────────────────────────────────────────
  private buildChat(): void {
    const form = h(
      'form',
      { class: 'composer', 'aria-label': 'Compose' },
      field('Message', this.input),
      h('div', { class: 'row' }, this.sendButton, this.stopButton),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.send();
      }
    });
    this.chatCard.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.running) this.running.abort();
    });
    this.stopButton.addEventListener('click', () => this.running?.abort());
    const clear = h(
      'button',
      { type: 'button', class: 'secondary small', onclick: () => this.clear() },
      'Clear conversation',
    );
    replace(
      this.chatCard,
      h('div', { class: 'row', style: null }, h('h2', null, 'Chat'), h('span', { class: 'spacer' }), clear),
      this.keyNotice(),
      this.messagesBox,
      this.status,
      form,
    );
    this.renderMessages();
  }

  /** A platform session needs an endpoint key for the inference API: ask for one. */
  private keyNotice(): HTMLElement | null {
    if (this.ctx.session.kind !== 'platform') return null;
    const input = h('input', { type: 'password', name: 'playground-key', autocomplete: 'off', placeholder: 'sk-rt-…' });
    const box = h('div', { class: 'notice' });
    const show = () => {
      const key = playgroundKey(this.ctx.session);
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
      this.sendButton.disabled = !key || !state.endpoint;
    };
    show();
    return box;
  }

  /** The conversation as sent: failed turns left out. */
  private sent(): ChatMessage[] {
    return state.turns.filter((t) => t.failed === undefined).map(({ role, content }) => ({ role, content }));
  }

  /** `announce`: the failure just happened (an alert); redrawn later, it is shown without one. */
  private turnView(turn: Turn, announce: boolean): Child[] {
    const note = (text: string | undefined) => (text ? h('span', { class: 'meta' }, text) : null);
    if (turn.failed === undefined) return [h('div', { class: `msg ${turn.role}` }, turn.content, note(turn.note))];
    return [
      h('div', { class: 'msg user failed' }, turn.content, note('Not sent with later messages')),
      turn.partial ? h('div', { class: 'msg assistant failed' }, turn.partial, note('Incomplete')) : null,
      h(
        'div',
        { class: 'failure' },
        h('p', { class: 'error', role: announce ? 'alert' : null }, turn.failed),
        h('button', { type: 'button', class: 'secondary small', onclick: () => this.retry(turn) }, 'Retry'),
      ),
    ];
  }

  private renderMessages(fresh?: Turn): void {
    replace(
      this.messagesBox,
      state.turns.length
        ? state.turns.map((t) => this.turnView(t, t === fresh))
        : h(
            'p',
            { class: 'empty' },
            this.endpoints.length ? 'Send a message to start.' : 'No endpoint to chat with: this key may not call any.',
          ),
    );
    this.sendButton.disabled =
      !state.endpoint || (this.ctx.session.kind === 'platform' && !playgroundKey(this.ctx.session));
  }

  private clear(): void {
    this.running?.abort();
    state.turns = [];
    this.status.textContent = '';
    this.renderMessages();
  }

  /** The key to chat with, once the settings are valid; else says what to fix first. */
  private readyKey(): string | null {
    const key = playgroundKey(this.ctx.session);
    if (!key) {
      this.status.textContent = 'Paste an endpoint key above first.';
      return null;
    }
    if (!this.readSettings()) {
      this.status.textContent = 'Fix the highlighted setting first.';
      return null;
    }
    return key;
  }

  private send(): void {
    const text = this.input.value.trim();
    if (!text || this.running || !state.endpoint) return;
    const key = this.readyKey();
    if (!key) return;
    this.input.value = '';
    void this.ask(key, text);
  }

  /** Sends a failed turn again, as the newest one: on success it is an ordinary turn, answered. */
  private retry(turn: Turn): void {
    if (this.running || !state.endpoint) return;
    const key = this.readyKey();
    if (!key) return;
    state.turns = state.turns.filter((t) => t !== turn);
    void this.ask(key, turn.content);
  }

  private async ask(key: string, text: string): Promise<void> {
    const endpoint = state.endpoint;
    const turn: Turn = { role: 'user', content: text };
    const history: ChatMessage[] = [...this.sent(), { role: 'user', content: text }];
    state.turns = [...state.turns, turn];
    this.renderMessages();
    const bubble = h('div', { class: 'msg assistant streaming' });
    const answer = document.createTextNode('');
    bubble.appendChild(answer);
    this.messagesBox.appendChild(bubble);
    bubble.scrollIntoView({ block: 'nearest' });
    this.running = new AbortController();
    this.sendButton.disabled = true;
    this.stopButton.disabled = false;
    this.status.textContent = 'Generating… (Stop or Escape cancels)';
    const outcome = await streamChat(
      key,
      chatBody(endpoint, state.settings, history),
      (delta) => {
        answer.appendData(answer.data ? delta : delta.trimStart());
        bubble.scrollIntoView({ block: 'nearest' });
      },
      this.running.signal,
    );
    this.running = null;
    this.stopButton.disabled = true;
    state.calls.unshift({ at: new Date(), method: 'POST', path: '/v1/chat/completions', endpoint, outcome });
    this.renderCalls();
    if (outcome.error) {
      if (outcome.error.param) this.showSettingError(outcome.error.param, outcome.error.message);
      // The pasted key is refused, or is not an endpoint key at all: the fix is another key, not access.
      const wrongKey =
        outcome.error.status === 401 ||
        outcome.error.code === 'admin_token_on_inference_api' ||
        outcome.error.code === 'platform_key_on_inference_api';
      const platform = this.ctx.session.kind === 'platform' && wrongKey;
      turn.failed = platform
        ? `${outcome.error.message}. Change the playground’s endpoint key above.`
        : nextStep(outcome.error);
      if (answer.data) turn.partial = answer.data;
      this.status.textContent = '';
    } else if (outcome.stopped && !answer.data) {
      turn.failed = 'Stopped before any answer came.';
      this.status.textContent = 'Stopped: the request was cancelled.';
    } else if (state.turns.includes(turn)) {
      // (A conversation cleared while the answer streamed gets no answer back.)
      const note = outcome.stopped
        ? 'Stopped'
        : outcome.usage
          ? `${outcome.usage.completion_tokens} tokens · ${outcome.totalMs} ms`
          : undefined;
      state.turns = [...state.turns, { role: 'assistant', content: answer.data, note }];
      this.status.textContent = outcome.stopped ? 'Stopped: the request was cancelled.' : '';
    }
    this.renderMessages(turn);
    this.messagesBox.lastElementChild?.scrollIntoView({ block: 'nearest' });
    this.input.focus();
  }

  // ── Configuration panel ─────────────────────────────────────────────────
  private buildPanel(): void {
    const regions = [...new Set(this.endpoints.flatMap((e) => e.regions))].sort();
    const regionSelect = h(
      'select',
      { name: 'region' },
      h('option', { value: '' }, 'Any region'),
      regions.map((r) => h('option', { value: r }, r)),
    );
    regionSelect.value = state.region;
    regionSelect.addEventListener('change', () => {
      state.region = regionSelect.value;
      this.fillEndpoints();
    });
    this.endpointSelect.addEventListener('change', () => {
      state.endpoint = this.endpointSelect.value;
      this.fillPlaceholders();
      this.renderMessages();
      this.renderSnippets();
    });
    this.fillEndpoints();

    const numbers = NUMBER_FIELDS.map((f) => {
      const input = h('input', {
        type: 'number',
        name: f.name,
        min: f.min,
        max: f.max ?? null,
        step: f.step,
        inputmode: f.integer ? 'numeric' : 'decimal',
        value: state.settings[f.name] === undefined ? '' : String(state.settings[f.name]),
      });
      return field(f.label, input, { name: f.name });
    });
    const stop = h('textarea', { name: 'stop', rows: 2, placeholder: 'One per line' });
    stop.value = (state.settings.stop ?? []).join('\n');
    const system = h('textarea', { name: 'system_prompt', rows: 4 });
    system.value = state.settings.system_prompt ?? '';
    const reset = h(
      'button',
      { type: 'button', class: 'secondary small', onclick: () => this.resetSettings() },
      'Reset to endpoint defaults',
    );

    replace(
      this.panel,
      h('h2', null, 'Configuration'),
      regions.length
        ? field('Region', regionSelect, { name: 'region', hint: 'Endpoints with an origin in this region.' })
        : null,
      field('Model (endpoint)', this.endpointSelect, { name: 'model' }),
      h('div', { class: 'grid2' }, numbers),
      field('Stop sequences', stop, { name: 'stop' }),
      field('System prompt', system, { name: 'system_prompt' }),
      h(
        'p',
        { class: 'hint' },
        'Blank fields use the endpoint’s defaults. These settings belong to this page only; they never change the endpoint.',
      ),
      h('div', { class: 'actions' }, reset),
    );
    this.panel.addEventListener('input', () => {
      this.readSettings();
      this.renderSnippets();
    });
    this.fillPlaceholders();
  }

  private fillEndpoints(): void {
    const shown = this.endpoints.filter((e) => !state.region || e.regions.includes(state.region));
    if (!shown.some((e) => e.name === state.endpoint)) state.endpoint = shown[0]?.name ?? '';
    replace(
      this.endpointSelect,
      shown.length
        ? shown.map((e) => h('option', { value: e.name }, e.name))
        : h('option', { value: '' }, 'No endpoint'),
    );
    this.endpointSelect.value = state.endpoint;
    this.fillPlaceholders();
    this.renderMessages();
  }

  /** The endpoint's own defaults (known to platform sessions) as placeholders: what a blank field means. */
  private fillPlaceholders(): void {
    const defaults = this.endpoints.find((e) => e.name === state.endpoint)?.defaults ?? {};
    for (const f of NUMBER_FIELDS) {
      const input = this.panel.querySelector<HTMLInputElement>(`[name="${f.name}"]`);
      const value = defaults[f.name as keyof Defaults];
      if (input) input.placeholder = value === undefined ? 'default' : `default: ${String(value)}`;
    }
    const system = this.panel.querySelector<HTMLTextAreaElement>('[name="system_prompt"]');
    if (system) system.placeholder = defaults.system_prompt ? `default: ${defaults.system_prompt}` : 'None';
  }

  /** Reads the panel into state.settings; marks out-of-range numbers. False when one is invalid. */
  private readSettings(): boolean {
    clearFieldErrors(this.panel);
    const settings: ChatSettings = {};
    let ok = true;
    for (const f of NUMBER_FIELDS) {
      const input = this.panel.querySelector<HTMLInputElement>(`[name="${f.name}"]`)!;
      const raw = input.value.trim();
      if (!raw) continue;
      const value = Number(raw);
      const bad =
        !Number.isFinite(value) ||
        value < f.min ||
        (f.max !== undefined && value > f.max) ||
        (f.integer && !Number.isInteger(value));
      if (bad) {
        ok = false;
        const range = f.max !== undefined ? `between ${f.min} and ${f.max}` : `at least ${f.min}`;
        showFieldError(this.panel, f.name, `Must be ${f.integer ? 'a whole number ' : ''}${range}.`);
        continue;
      }
      (settings as Record<string, number>)[f.name] = value;
    }
    const stop = this.panel
      .querySelector<HTMLTextAreaElement>('[name="stop"]')!
      .value.split('\n')
      .filter((s) => s.length > 0);
    if (stop.length) settings.stop = stop;
    const system = this.panel.querySelector<HTMLTextAreaElement>('[name="system_prompt"]')!.value;
    if (system.trim()) settings.system_prompt = system;
    state.settings = settings;
    return ok;
  }

  private showSettingError(param: string, message: string): void {
    showFieldError(this.panel, param, message);
  }

  private resetSettings(): void {
    state.settings = {};
    for (const control of this.panel.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
      'input[type="number"], textarea',
    ))
      control.value = '';
    clearFieldErrors(this.panel);
    this.renderSnippets();
  }

  // ── API view ────────────────────────────────────────────────────────────
  private buildApi(): void {
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
      (lang) => ((state.language = lang), this.renderSnippets()),
    );
    replace(
      this.apiCard,
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
  private renderSnippets(): void {
    if (state.view !== 'api') return;
    const input = {
      baseUrl: location.origin,
      endpoint: state.endpoint || 'ENDPOINT',
      settings: state.settings,
      messages: this.sent(),
    };
    this.snippetCode.setAttribute('data-language', state.language);
    this.snippetCode.textContent = snippet(state.language, input);
    this.snippetPanel.setAttribute('aria-labelledby', this.languageTabs[state.language]);
    const keyLine = playgroundKey(this.ctx.session);
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

  // ── API calls of this session ───────────────────────────────────────────
  private callsCard(): HTMLElement {
    const id = uid('calls');
    const card = h(
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
        this.callsBody,
      ),
    );
    this.renderCalls();
    return card;
  }

  private renderCalls(): void {
    replace(
      this.callsBody,
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
