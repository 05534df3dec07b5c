// The form's controls, each bound to a setter on the draft, and the Remove button for a row.

import { h } from '../../dom';

/** A text input bound to `get`/`set` on the draft. */
export const input = (
  value: string,
  set: (v: string) => void,
  attrs: Record<string, string | number | boolean> = {},
) => {
  const el = h('input', { type: 'text', value, ...attrs });
  el.addEventListener('input', () => set(el.value));
  return el;
};
export const textarea = (value: string, set: (v: string) => void, rows = 2) => {
  const el = h('textarea', { rows });
  el.value = value;
  el.addEventListener('input', () => set(el.value));
  return el;
};
export const select = (value: string, options: Array<[string, string]>, set: (v: string) => void) => {
  const el = h(
    'select',
    null,
    options.map(([v, label]) => h('option', { value: v }, label)),
  );
  el.value = value;
  el.addEventListener('change', () => set(el.value));
  return el;
};
/** Removes a row from the draft, then re-renders the form from it. */
export const removeButton = (label: string, remove: () => void, render: () => void) =>
  h(
    'button',
    { type: 'button', class: 'secondary small', 'aria-label': label, onclick: () => (remove(), render()) },
    'Remove',
  );
