import { h, setAttr, setText } from '../dom';
import { connectionIcon, globeIcon } from '../icons';
import { getLang, setLang, t, tKey } from '../i18n';
import { PERIODS, type ConnectionState, type Period } from '../types';

export class ConnectionIndicator {
  readonly el: HTMLElement;
  private readonly text = h('span', { class: 'conn-text' });
  private state: ConnectionState | null = null;
  private connectedOnce = false;

  constructor() {
    this.el = h('div', { class: 'connection', 'data-testid': 'connection', role: 'status', 'aria-live': 'polite' });
  }

  update(state: ConnectionState, connectedOnce: boolean): void {
    this.connectedOnce = connectedOnce;
    if (state !== this.state) {
      this.state = state;
      this.el.replaceChildren(connectionIcon(state), this.text);
      this.el.className = `connection conn-${state}`;
      setAttr(this.el, 'data-state', state);
    }
    this.refresh();
  }

  refresh(): void {
    const state = this.state ?? 'reconnecting';
    const text =
      state === 'live'
        ? t('connLive')
        : state === 'offline'
          ? t('connOffline')
          : this.connectedOnce
            ? t('connReconnecting')
            : t('connConnecting');
    setText(this.text, text);
    setAttr(
      this.el,
      'title',
      state === 'live' ? t('connLiveTitle') : state === 'offline' ? t('connOfflineTitle') : t('connReconnectingTitle'),
    );
  }
}

export function langToggle(): HTMLButtonElement {
  const lang = getLang();
  return h(
    'button',
    {
      type: 'button',
      class: 'lang-switch',
      'data-testid': 'lang-switch',
      'data-lang': lang,
      title: t('langSwitch'),
      'aria-label': t('langSwitch'),
      onclick: () => setLang(getLang() === 'zh' ? 'en' : 'zh'),
    },
    globeIcon(),
    h('span', { class: `lang-opt${lang === 'zh' ? ' is-active' : ''}`, lang: 'zh-CN' }, '中文'),
    h('span', { class: 'lang-sep', 'aria-hidden': 'true' }, '/'),
    h('span', { class: `lang-opt${lang === 'en' ? ' is-active' : ''}`, lang: 'en' }, 'EN'),
  );
}

export class PeriodSwitcher {
  readonly el: HTMLElement;
  private readonly buttons = new Map<Period, HTMLButtonElement>();

  constructor(onChange: (period: Period) => void) {
    this.el = h('div', {
      class: 'period-switcher',
      role: 'group',
      'data-testid': 'period-switcher',
      'aria-label': t('periodLabel'),
    });
    for (const period of PERIODS) {
      const button = h(
        'button',
        { type: 'button', class: 'period-btn', 'data-period': period, onclick: () => onChange(period) },
        tKey(`period_${period}`),
      );
      this.buttons.set(period, button);
      this.el.append(button);
    }
  }

  update(current: Period): void {
    for (const [period, button] of this.buttons) {
      setAttr(button, 'aria-pressed', String(period === current));
      button.classList.toggle('is-active', period === current);
    }
    setAttr(this.el, 'data-current', current);
  }
}
