import { ApiFailure, nextStep } from '../api';
import { field, h } from '../dom';
import { signIn, type Session } from '../session';

/** The sign-in screen: paste a key; it stays in this tab only. */
export function signInView(onSignedIn: (s: Session) => void): HTMLElement {
  const input = h('input', {
    type: 'password',
    name: 'key',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'sk-…',
  });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), ' edge-llm-router'),
    h(
      'p',
      null,
      'Sign in with an API key. A platform key (or the admin token) opens endpoints, keys and model requests; an endpoint key opens the playground.',
    ),
    field('API key', input, {
      hint: 'Kept in this browser tab only (sessionStorage) and sent as a Bearer token. No cookies.',
    }),
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    try {
      onSignedIn(await signIn(input.value));
    } catch (err) {
      error.textContent = signInAdvice(err);
      error.hidden = false;
      input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  queueMicrotask(() => input.focus());
  return h('div', { class: 'center' }, form);
}

/** On this screen there is nothing to sign out of: a refused key is told what to check instead. */
function signInAdvice(err: unknown): string {
  if (err instanceof ApiFailure && err.status === 401) {
    if (err.code === 'invalid_api_key')
      return 'Invalid API key. Check that you pasted the whole key, and that it has not been revoked or expired.';
    // (A blank key: "Paste an API key to sign in".)
    return err.message.replace(/\.?$/, '.');
  }
  return nextStep(err);
}
