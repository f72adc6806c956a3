import { h, setAttr, setText } from '../dom';
import { pulseLogo } from '../icons';
import { t, tKey } from '../i18n';
import type { Crumb, Heading, View } from '../context';
import type { Me, Period } from '../types';
import { ConnectionIndicator, langToggle, PeriodSwitcher } from './controls';

// The page around a view: brand, quick links, connection, language, user; then the page heading with
// breadcrumbs and the period switcher. Views change underneath; the shell stays.
export class Shell {
  readonly el: HTMLElement;
  readonly connection = new ConnectionIndicator();
  private readonly periods: PeriodSwitcher;
  private readonly title = h('h1', { class: 'page-title', 'data-testid': 'page-title' });
  private readonly subtitle = h('p', { class: 'page-sub' });
  private readonly crumbs = h('ol', { class: 'crumbs' });
  private readonly periodNote = h('p', { class: 'period-note' });
  private readonly nav = h('nav', { class: 'quick-nav', 'aria-label': t('teams') });
  private readonly host = h('div', { class: 'view-host' });
  private crumbKey = '';

  // alerts: the bell (in the header) and the drawer it opens
  constructor(
    me: Me,
    links: readonly Crumb[],
    onPeriod: (period: Period) => void,
    onSignOut: () => void,
    alerts: { bell: HTMLElement; panel: HTMLElement },
  ) {
    this.periods = new PeriodSwitcher(onPeriod);
    for (const link of links)
      this.nav.append(
        h('a', { class: 'quick-link', href: link.href ?? '#', 'data-href': link.href ?? '' }, link.label),
      );
    const who = [tKey(`role_${me.role}`), me.org, me.agent ?? (me.teams.length === 1 ? me.teams[0] : undefined)]
      .filter((part) => part !== undefined && part !== '')
      .join(' · ');
    this.el = h(
      'div',
      { class: 'app-shell' },
      h(
        'header',
        { class: 'topbar' },
        h(
          'a',
          { class: 'brand', href: '#/' },
          pulseLogo(),
          h('span', { class: 'brand-name' }, t('appName')),
          h('span', { class: 'tagline' }, t('appTagline')),
        ),
        this.nav,
        h(
          'div',
          { class: 'topbar-right' },
          alerts.bell,
          this.connection.el,
          langToggle(),
          h('span', { class: 'user-chip', 'data-testid': 'user', 'data-role': me.role }, who),
          h(
            'button',
            { type: 'button', class: 'btn btn-ghost', 'data-testid': 'signout', onclick: onSignOut },
            t('signOut'),
          ),
        ),
      ),
      h(
        'main',
        { class: 'page' },
        h(
          'div',
          { class: 'page-head' },
          h(
            'div',
            { class: 'page-heading' },
            h('nav', { 'aria-label': 'breadcrumb', 'data-testid': 'breadcrumb' }, this.crumbs),
            this.title,
            this.subtitle,
          ),
          h('div', { class: 'page-tools' }, this.periods.el, this.periodNote),
        ),
        this.host,
      ),
      alerts.panel,
    );
  }

  mount(view: View): void {
    this.host.replaceChildren(view.el);
  }

  update(heading: Heading, period: Period): void {
    setText(this.title, heading.title);
    setText(this.subtitle, heading.subtitle);
    const key = JSON.stringify(heading.crumbs);
    if (key !== this.crumbKey) {
      this.crumbKey = key;
      this.crumbs.replaceChildren(
        ...heading.crumbs.map((crumb, i) =>
          h(
            'li',
            {},
            crumb.href !== undefined && i < heading.crumbs.length - 1
              ? h('a', { href: crumb.href }, crumb.label)
              : h('span', { 'aria-current': i === heading.crumbs.length - 1 ? 'page' : undefined }, crumb.label),
          ),
        ),
      );
    }
    this.periods.update(period);
    setText(this.periodNote, period === 'live' ? '' : t('periodRescored'));
    const here = window.location.hash;
    for (const link of this.nav.querySelectorAll('a'))
      setAttr(link, 'aria-current', link.getAttribute('href') === here ? 'page' : null);
  }
}
