import { h } from '../dom';
import { pulseLogo } from '../icons';
import { t } from '../i18n';
import { langToggle } from './controls';

export const DEMO_COMMAND = 'npx kpi-pulse token --role manager --org O1 --team O1-T1';

// No token, or the server refused it: paste one. The demo command mints one.
export function signInPanel(message: string | null, submit: (token: string) => void): HTMLElement {
  const input = h('textarea', {
    id: 'token',
    class: 'token-input',
    'data-testid': 'token-input',
    rows: 4,
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    placeholder: t('tokenPlaceholder'),
    'aria-describedby': 'signin-error',
  });
  const error = h(
    'p',
    { id: 'signin-error', class: 'signin-error', role: 'alert', 'data-testid': 'signin-error' },
    message === null ? '' : `${t('signinRejected')} ${message}`,
  );
  error.hidden = message === null;
  const form = h(
    'form',
    {
      class: 'signin-form',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (token === '') {
          error.textContent = t('signinEmpty');
          error.hidden = false;
          input.focus();
          return;
        }
        submit(token);
      },
    },
    h('label', { for: 'token', class: 'field-label' }, t('tokenLabel')),
    input,
    error,
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'signin-submit' }, t('signinSubmit')),
  );
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  const panel = h(
    'div',
    { class: 'signin-page' },
    h('div', { class: 'signin-corner' }, langToggle()),
    h(
      'section',
      { class: 'signin', 'data-testid': 'signin', 'aria-labelledby': 'signin-title' },
      h(
        'div',
        { class: 'signin-brand' },
        pulseLogo(),
        h('span', {}, t('appName')),
        h('span', { class: 'tagline' }, t('appTagline')),
      ),
      h('h1', { id: 'signin-title' }, t('signinTitle')),
      h('p', { class: 'signin-intro' }, t('signinIntro')),
      form,
      h(
        'div',
        { class: 'signin-demo' },
        h('p', {}, t('signinDemo')),
        h('pre', { class: 'code', 'data-testid': 'demo-command' }, h('code', {}, DEMO_COMMAND)),
        h('p', { class: 'hint' }, t('signinDemoRoles')),
        h('p', { class: 'hint' }, t('signinTabOnly')),
      ),
    ),
  );
  window.setTimeout(() => input.focus(), 0);
  return panel;
}

export function messagePage(title: string, detail: string, action?: { label: string; run: () => void }): HTMLElement {
  return h(
    'div',
    { class: 'signin-page' },
    h('div', { class: 'signin-corner' }, langToggle()),
    h(
      'section',
      { class: 'signin message', 'data-testid': 'message' },
      h('div', { class: 'signin-brand' }, pulseLogo(), h('span', {}, t('appName'))),
      h('h1', {}, title),
      detail === '' ? null : h('p', { class: 'signin-intro' }, detail),
      action === undefined
        ? null
        : h('button', { type: 'button', class: 'btn btn-primary', onclick: action.run }, action.label),
    ),
  );
}

export function loadingPage(): HTMLElement {
  return h(
    'div',
    { class: 'loading-page', 'data-testid': 'loading' },
    h('span', { class: 'spinner' }),
    h('span', {}, t('loading')),
  );
}
