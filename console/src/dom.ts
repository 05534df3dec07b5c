// The console builds every element with h(): text goes in as text nodes and attributes through
// setAttribute, so a value from the API (an endpoint description of `<img src=x onerror=…>`) is shown,
// never parsed. innerHTML and friends are banned in console/ by the lint config.

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else if (name === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else
      parent.appendChild(
        typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
      );
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let ids = 0;
/** A fresh id for label/control pairs. */
export const uid = (prefix: string) => `${prefix}-${++ids}`;

/** A labelled control: `<div class="field"><label for>…</label>control<p class="hint"/><p class="field-error"/></div>`. */
export function field(
  label: string,
  control: HTMLElement,
  opts: { hint?: string; name?: string } = {},
): HTMLDivElement {
  const id = control.id || uid('f');
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
  control.setAttribute('aria-describedby', `${id}-error`);
  return h(
    'div',
    { class: 'field', 'data-field': opts.name ?? null },
    h('label', { for: id }, label),
    control,
    opts.hint ? h('p', { class: 'hint' }, opts.hint) : null,
    error,
  );
}

/**
 * Marks each input whose text the browser cannot read (a number "1e", a date with only its month typed: its value
 * is then "", which would pass for blank) with its message under the field named `name`, and focuses the first.
 * Returns whether any was marked: the form is not sent then.
 */
export function markUnreadable(form: Element, inputs: Array<[input: HTMLInputElement, name: string, message: string]>) {
  const bad = inputs.filter(([input]) => input.validity.badInput);
  for (const [, name, message] of bad) showFieldError(form, name, message);
  bad[0]?.[0].focus();
  return bad.length > 0;
}

/** Shows `message` under the field named `name` inside `form` (server validation); returns whether one was found. */
export function showFieldError(form: Element, name: string, message: string): boolean {
  const box = findField(form, name);
  const slot = box?.querySelector<HTMLElement>('.field-error');
  if (!box || !slot) return false;
  // Only the field the message names can drop the name (a parent box shows the message whole).
  slot.textContent = fieldNames(box).includes(name) ? besideField(message) : message;
  slot.hidden = false;
  box.classList.add('invalid');
  box.querySelector<HTMLElement>('input, select, textarea')?.setAttribute('aria-invalid', 'true');
  return true;
}

/**
 * The router's message without the field's API path, which the field's own label already names:
 * `Invalid 'served_entities.0.origins.0.url': must be an http(s) URL` reads `Must be an http(s) URL`.
 */
function besideField(message: string): string {
  const reason = /^Invalid '[^']*': (.+)$/s.exec(message)?.[1];
  return reason ? reason.charAt(0).toUpperCase() + reason.slice(1) : message;
}

/** The params a field answers to: its `data-field`, a space-separated list (most fields have one). */
const fieldNames = (box: Element) => (box.getAttribute('data-field') ?? '').split(' ');

/** The field for a server `param` like `served_entities.0.origins.1.url`: the most specific one the form has. */
export function findField(form: Element, name: string): Element | null {
  const parts = name.split('.');
  for (let n = parts.length; n > 0; n--) {
    const found = form.querySelector(`[data-field~="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
    if (found) return found;
  }
  return null;
}

export function clearFieldErrors(form: Element): void {
  for (const slot of form.querySelectorAll<HTMLElement>('.field-error')) {
    slot.textContent = '';
    slot.hidden = true;
  }
  for (const box of form.querySelectorAll('.invalid')) box.classList.remove('invalid');
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}

/** A button that copies `text()` to the clipboard and says so. */
export function copyButton(text: () => string, label = 'Copy'): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'copy' }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text());
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Copy failed';
    }
    setTimeout(() => (button.textContent = label), 1500);
  });
  return button;
}

/** A modal confirmation (a native <dialog>, so focus and Escape work): resolves true when confirmed. */
export function confirmDialog(opts: {
  title: string;
  body: string;
  confirm: string;
  danger?: boolean;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title' }, opts.title),
      h('p', null, opts.body),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close('cancel') }, 'Cancel'),
        h(
          'button',
          { type: 'button', class: opts.danger ? 'danger' : 'primary', onclick: () => dialog.close('confirm') },
          opts.confirm,
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

/** A status pill: ready / stopped / not_ready / active / revoked … */
export function pill(text: string, tone?: 'ok' | 'warn' | 'bad' | 'muted'): HTMLSpanElement {
  return h('span', { class: `pill ${tone ?? toneOf(text)}` }, text.replaceAll('_', ' '));
}

function toneOf(text: string): string {
  if (['ready', 'active', 'approved', 'deployed', 'healthy', 'none'].includes(text)) return 'ok';
  if (['not_ready', 'in_progress', 'open', 'unknown'].includes(text)) return 'warn';
  if (['stopped', 'revoked', 'failed', 'declined', 'unhealthy', 'expired'].includes(text)) return 'bad';
  return 'muted';
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
