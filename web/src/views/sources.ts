import { api } from '../api';
import { h, setHidden, setText } from '../dom';
import { formatTime } from '../format';
import { t, tKey } from '../i18n';
import type { SourceListing } from '../types';

const REFRESH_MS = 15_000;
const OUTCOMES = ['accepted', 'duplicate', 'rejected', 'ignored', 'refused'] as const;

// The org's connectors, for its admins (docs/connectors.md): each vendor's webhook with its last
// delivery, its counts by outcome and its last error, from GET /v1/sources, refreshed every 15 s.
export class SourcesPanel {
  readonly el: HTMLElement;
  private readonly rows = h('tbody', {});
  private readonly empty = h('p', { class: 'notice' });
  private readonly timer: ReturnType<typeof setInterval>;

  constructor() {
    this.el = h(
      'section',
      { class: 'panel sources', 'data-testid': 'org-connectors' },
      h('header', { class: 'section-head' }, h('h2', { class: 'section-title' }, t('connectors'))),
      h(
        'table',
        { class: 'sources-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, t('connectorName')),
            h('th', {}, t('connectorLastDelivery')),
            ...OUTCOMES.map((o) => h('th', { class: 'num' }, tKey(`webhook_${o}`))),
            h('th', {}, t('connectorLastError')),
          ),
        ),
        this.rows,
      ),
      this.empty,
    );
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  private async refresh(): Promise<void> {
    let listed: SourceListing[];
    try {
      listed = await api.sources();
    } catch (err) {
      setText(this.empty, `${t('loadFailed')} ${err instanceof Error ? err.message : String(err)}`);
      setHidden(this.empty, false);
      return;
    }
    const connectors = listed.filter((s) => s.connector !== undefined);
    setHidden(this.el, connectors.length === 0);
    setHidden(this.empty, true);
    this.rows.replaceChildren(
      ...connectors.map((s) => {
        const w = s.webhooks;
        return h(
          'tr',
          { 'data-source': s.id, 'data-connector': s.connector ?? '' },
          h('td', {}, h('strong', {}, s.name), h('span', { class: 'muted' }, ` ${s.connector ?? ''} · ${s.id}`)),
          h(
            'td',
            {},
            w === undefined || w.lastDeliveryAt === null ? t('never') : formatTime(new Date(w.lastDeliveryAt)),
          ),
          ...OUTCOMES.map((o) => h('td', { class: 'num', 'data-outcome': o }, String(w?.outcomes[o] ?? 0))),
          h('td', { class: 'source-error' }, w?.lastError ?? '—'),
        );
      }),
    );
  }

  destroy(): void {
    clearInterval(this.timer);
  }
}
