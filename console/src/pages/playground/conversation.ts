// The playground's chat: the conversation token by token (Stop or Escape aborts the request), a failed
// turn marked with what to do next and Retry, and each answer's "tokens · ms" note.

import { nextStep } from '../../api';
import { streamChat } from '../../chat-stream';
import { field, h, replace, type Child } from '../../dom';
import type { PageContext } from '../../page';
import { playgroundKey } from '../../session';
import { chatBody, type ChatMessage } from '../../settings';
import type { EndpointChoice } from './endpoints';
import { keyNotice } from './key-notice';
import { sentMessages, state, type CallRecord, type Turn } from './state';

/** What the chat needs from the rest of the page. */
export interface ConversationHooks {
  /** Reads the configuration panel into state.settings; false when a setting is invalid (and marked). */
  readSettings(): boolean;
  /** Marks the setting a request was refused for. */
  showSettingError(param: string, message: string): void;
  /** A request ended: list it with the session's calls. */
  called(call: CallRecord): void;
}

export class Conversation {
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
  private running: AbortController | null = null;

  /** `card`: the UI view's tabpanel, filled here. */
  constructor(
    card: HTMLElement,
    private readonly ctx: PageContext,
    private readonly endpoints: EndpointChoice[],
    private readonly hooks: ConversationHooks,
  ) {
    ctx.signal.addEventListener('abort', () => this.running?.abort());
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
    card.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.running) this.running.abort();
    });
    this.stopButton.addEventListener('click', () => this.running?.abort());
    const clear = h(
      'button',
      { type: 'button', class: 'secondary small', onclick: () => this.clear() },
      'Clear conversation',
    );
    replace(
      card,
      h('div', { class: 'row', style: null }, h('h2', null, 'Chat'), h('span', { class: 'spacer' }), clear),
      keyNotice(ctx.session, (key) => (this.sendButton.disabled = !key || !state.endpoint)),
      this.messagesBox,
      this.status,
      form,
    );
    this.renderMessages();
  }

  /** Redraws the conversation; `fresh`: the turn just answered, whose failure (if any) is announced. */
  renderMessages(fresh?: Turn): void {
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
    if (!this.hooks.readSettings()) {
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
    const history: ChatMessage[] = [...sentMessages(), { role: 'user', content: text }];
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
    this.hooks.called({ at: new Date(), method: 'POST', path: '/v1/chat/completions', endpoint, outcome });
    if (outcome.error) {
      if (outcome.error.param) this.hooks.showSettingError(outcome.error.param, outcome.error.message);
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
}
