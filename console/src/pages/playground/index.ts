// The playground: pick an endpoint, chat with it token by token (Stop aborts the request), tune the UI
// settings, see the same request as code (API view), and the calls this page made. Everything lives in
// this folder's memory (state.ts): a reload forgets it, and nothing of a chat is stored or logged by the router.
//
// This file puts the page together: the UI/API view tabs over the chat (conversation.ts) and the code
// (api-card.ts), the session's calls (calls-table.ts) under them, the configuration panel (config-panel.ts)
// beside. The parts never import this file; what one changes that another shows goes through the hooks
// wired here.

import { h, uid } from '../../dom';
import type { Page, PageContext } from '../../page';
import { tablist } from '../../tabs';
import { ApiCard } from './api-card';
import { CallsTable } from './calls-table';
import { ConfigPanel } from './config-panel';
import { Conversation } from './conversation';
import { loadEndpoints, type EndpointChoice } from './endpoints';
import { state } from './state';

export const playgroundPage: Page = {
  id: 'playground',
  title: 'Playground',
  nav: true,
  platformOnly: false,
  async render(ctx) {
    const endpoints = await loadEndpoints(ctx);
    if (!endpoints.some((e) => e.name === state.endpoint)) state.endpoint = endpoints[0]?.name ?? '';
    return playground(ctx, endpoints);
  },
};

function playground(ctx: PageContext, endpoints: EndpointChoice[]): HTMLElement {
  // The view tabs' two panels. (Built in this order, the page's generated ids stay as they were.)
  const chatCard = h('section', { class: 'card chat', role: 'tabpanel', id: uid('chat') });
  const apiCard = h('section', { class: 'card', role: 'tabpanel', id: uid('api') });
  const api = new ApiCard(apiCard, ctx.session);
  const showView = () => {
    chatCard.hidden = state.view !== 'ui';
    apiCard.hidden = state.view !== 'api';
    if (state.view === 'api') api.render();
  };
  const tabs = viewTabs(chatCard, apiCard, showView);
  // The chat and the panel each call the other (settings read before a send; the endpoint gating Send):
  // the hooks reach `panel` only once both are built.
  const conversation = new Conversation(chatCard, ctx, endpoints, {
    readSettings: () => panel.readSettings(),
    showSettingError: (param, message) => panel.showSettingError(param, message),
    called: (call) => calls.add(call),
  });
  const panel = new ConfigPanel(endpoints, {
    endpointChanged: () => conversation.renderMessages(),
    requestChanged: () => api.render(),
  });
  const calls = new CallsTable();
  const root = h(
    'div',
    { class: 'page' },
    h('header', null, h('h1', null, 'Playground'), tabs),
    h('div', { class: 'playground' }, h('div', null, chatCard, apiCard, calls.card), panel.form),
  );
  showView();
  return root;
}

/** View: UI or API. */
function viewTabs(chatCard: HTMLElement, apiCard: HTMLElement, showView: () => void): HTMLElement {
  const ui = uid('tab');
  const api = uid('tab');
  chatCard.setAttribute('aria-labelledby', ui);
  apiCard.setAttribute('aria-labelledby', api);
  return tablist(
    'View',
    [
      { key: 'ui', label: 'UI', id: ui, panel: chatCard.id },
      { key: 'api', label: 'API', id: api, panel: apiCard.id },
    ],
    state.view,
    (view) => ((state.view = view), showView()),
  );
}
