// The console's entry: sign-in, the layout (header, navigation, main) and the hash router.
// Pages live in ./pages (see ./page.ts for how to add one).

import './style.css';
import { nextStep } from './api';
import { h, replace } from './dom';
import type { Page, PageContext } from './page';
import { PAGES } from './pages';
import { signInView } from './pages/sign-in';
import { maskKey, roleLabel, signIn, signOut, storedKey, type Session } from './session';

const root = document.getElementById('app')!;
let session: Session | null = null;
let leave: AbortController | null = null;

/** A hash segment decoded; one that is not valid percent-encoding (a stray "%") is taken as it is. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function route(): { page: Page | undefined; params: string[] } {
  const [id, ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeSegment);
  const pages = visiblePages();
  const page = id ? pages.find((p) => p.id === id) : pages[0];
  return { page, params };
}

function visiblePages(): Page[] {
  return PAGES.filter((p) => !p.platformOnly || session?.kind === 'platform');
}

function navigate(hash: string): void {
  if (location.hash === hash) void render();
  else location.hash = hash;
}

async function render(): Promise<void> {
  leave?.abort();
  leave = new AbortController();
  if (!session) {
    replace(root, signInView(onSignedIn));
    return;
  }
  const { page, params } = route();
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(root, layout(page), main);
  if (!page) {
    replace(
      main,
      h('h1', null, 'Not found'),
      h('p', null, 'There is no such page. ', h('a', { href: '#/' }, 'Go to the start page.')),
    );
    return;
  }
  document.title = `${page.title} · edge-llm-router`;
  const ctx: PageContext = { session, params, signal: leave.signal, navigate };
  replace(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    const view = await page.render(ctx);
    if (!ctx.signal.aborted) replace(main, view);
  } catch (err) {
    if (ctx.signal.aborted) return;
    replace(main, h('h1', null, page.title), h('p', { class: 'error', role: 'alert' }, nextStep(err)));
  }
}

function layout(current: Page | undefined): HTMLElement {
  const s = session!;
  return h(
    'header',
    { class: 'top' },
    h(
      'a',
      { class: 'skip', href: '#main', onclick: (e) => (e.preventDefault(), document.getElementById('main')?.focus()) },
      'Skip to content',
    ),
    h(
      'a',
      { class: 'brand', href: '#/' },
      h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'),
      ' edge-llm-router',
    ),
    h(
      'nav',
      { 'aria-label': 'Console' },
      h(
        'ul',
        null,
        visiblePages()
          .filter((p) => p.nav)
          .map((p) =>
            h('li', null, h('a', { href: `#/${p.id}`, 'aria-current': p === current ? 'page' : null }, p.title)),
          ),
      ),
    ),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'role', title: 'Signed in as' }, roleLabel(s)),
      h('code', { class: 'key', 'aria-label': 'Signed-in key (masked)' }, maskKey(s.key)),
      h(
        'button',
        { type: 'button', class: 'secondary small', onclick: () => (signOut(), location.replace('/')) },
        'Sign out',
      ),
    ),
  );
}

/** Signing out reloads the page, so nothing of the session (a conversation, the calls log) outlives it. */
function onSignedIn(s: Session): void {
  session = s;
  navigate('#/');
}

async function boot(): Promise<void> {
  const key = storedKey();
  if (key) {
    try {
      session = await signIn(key);
    } catch {
      signOut();
    }
  }
  window.addEventListener('hashchange', () => void render());
  await render();
}

void boot();
