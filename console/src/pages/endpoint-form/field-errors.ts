// Where a failed submit's messages go: each beside the field the router names (the first problem's field
// focused), the ones with no field on screen above the buttons.

import { ApiFailure, nextStep, type Issue } from '../../api';
import { findField, showFieldError } from '../../dom';

export function showSubmitError(form: HTMLFormElement, formError: HTMLElement, err: unknown): void {
  const issues = problemsOf(err);
  const marked = new Set<Element>();
  const unplaced: Issue[] = [];
  let first: Element | null = null;
  for (const issue of issues) {
    const box = issue.param === null ? null : findField(form, issue.param);
    // A field already marked keeps its first message: one problem at a time beside a field.
    if (box && marked.has(box)) continue;
    if (box && showFieldError(form, issue.param!, issue.message)) {
      marked.add(box);
      first ??= box;
    } else unplaced.push(issue);
  }
  first?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  if (first === null) {
    formError.textContent = unplaced.length > 1 ? sentences(unplaced) : nextStep(err);
    formError.hidden = false;
  } else if (unplaced.length > 0) {
    formError.textContent = sentences(unplaced);
    formError.hidden = false;
  }
}

/** The problems a failure names: the admin API's `issues`, else its one `param` and message, else none. */
function problemsOf(err: unknown): readonly Issue[] {
  if (!(err instanceof ApiFailure)) return [];
  if (err.issues.length > 0) return err.issues;
  return err.param === null ? [] : [{ param: err.param, message: err.message }];
}

function sentences(issues: readonly Issue[]): string {
  return issues.map((i) => i.message.replace(/\.?$/, '.')).join(' ');
}
