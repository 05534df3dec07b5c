// Tabs after the WAI-ARIA tabs pattern: a tablist of role=tab buttons, each aria-controls its tabpanel
// (which the caller marks role=tabpanel, aria-labelledby the tab). Only the selected tab is in the Tab
// order (roving tabindex); Left/Right move to the previous/next tab (wrapping), Home/End to the first/last,
// and moving selects (automatic activation). The tablist keeps its own state: the caller only shows panels.

import { h } from './dom';

export interface TabSpec<K extends string> {
  key: K;
  label: string;
  /** The tab's own id (its panel's aria-labelledby). */
  id: string;
  /** The id of the panel it shows. */
  panel: string;
}

export function tablist<K extends string>(
  label: string,
  specs: Array<TabSpec<K>>,
  selected: K,
  onSelect: (key: K) => void,
): HTMLElement {
  const buttons = specs.map((spec, i) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: spec.id,
        'aria-controls': spec.panel,
        'data-tab': spec.key,
        onclick: () => choose(i, false),
      },
      spec.label,
    ),
  );
  const mark = (key: K) => {
    specs.forEach((spec, i) => {
      buttons[i]!.setAttribute('aria-selected', String(spec.key === key));
      buttons[i]!.tabIndex = spec.key === key ? 0 : -1;
    });
  };
  const choose = (i: number, focus: boolean) => {
    mark(specs[i]!.key);
    if (focus) buttons[i]!.focus();
    onSelect(specs[i]!.key);
  };
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': label }, buttons);
  list.addEventListener('keydown', (e) => {
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    if (at < 0) return;
    const last = buttons.length - 1;
    const to =
      e.key === 'ArrowRight'
        ? (at + 1) % buttons.length
        : e.key === 'ArrowLeft'
          ? (at + last) % buttons.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null;
    if (to === null) return;
    e.preventDefault();
    choose(to, true);
  });
  mark(selected);
  return list;
}
