// Where a failed submit's message goes: beside the field the router names (focused), else above the buttons.

import { ApiFailure, nextStep } from '../../api';
import { showFieldError } from '../../dom';

export function showSubmitError(form: HTMLFormElement, formError: HTMLElement, err: unknown): void {
  const placed = err instanceof ApiFailure && err.param !== null && showFieldError(form, err.param, err.message);
  if (placed)
    form.querySelector<HTMLElement>('.field.invalid input, .field.invalid select, .field.invalid textarea')?.focus();
  else {
    formError.textContent = nextStep(err);
    formError.hidden = false;
  }
}
