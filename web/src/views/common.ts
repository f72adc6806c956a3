import { h, setHidden, setText } from '../dom';
import { formatTime } from '../format';
import { t } from '../i18n';
import type { Ctx } from '../context';
import { Keyed } from '../dom';
import type { ScoredCard } from '../types';
import { ScorecardPanel, type PanelOptions } from './scorecard-panel';

export function lastUpdate(ctx: Ctx): string {
  return ctx.store.lastChange === null ? '' : t('lastUpdate', { time: formatTime(ctx.store.lastChange) });
}

// A message line: room errors, period errors, loading, "no scorecards yet".
export class Notice {
  readonly el = h('p', { class: 'notice', role: 'status' });

  update(text: string | null, tone: 'info' | 'error' = 'info'): void {
    setHidden(this.el, text === null);
    if (text !== null) setText(this.el, text);
    this.el.classList.toggle('is-error', tone === 'error');
  }
}

export function emptyState(): HTMLElement {
  return h(
    'div',
    { class: 'empty-state', 'data-testid': 'empty-state' },
    h('strong', {}, t('noScorecards')),
    h('span', {}, t('noScorecardsHint')),
  );
}

// The scorecard panels of one entity, keyed by scorecard id.
export class PanelList {
  readonly el: HTMLElement;
  private readonly panels: Keyed<ScoredCard, ScorecardPanel>;
  private readonly empty = emptyState();
  private readonly loading = h(
    'div',
    { class: 'empty-state is-loading' },
    h('span', { class: 'spinner' }),
    t('loading'),
  );

  constructor(
    private readonly ctx: Ctx,
    private readonly entity: string,
    options: PanelOptions = {},
  ) {
    const list = h('div', { class: 'panel-list' });
    this.el = h('div', { class: 'panels' }, list, this.empty, this.loading);
    this.panels = new Keyed(
      list,
      (card) =>
        new ScorecardPanel(entity, card.score.scorecard, ctx.trends, ctx.previous, {
          ...options,
          // the wall has no alerts drawer: its badges stay badges
          ...(options.tv === true ? {} : { openAlert: (e, s, k) => ctx.openAlert(e, s, k) }),
        }),
      (panel, card) => panel.update(card),
    );
  }

  update(): ScoredCard[] | undefined {
    const cards = this.ctx.cardsFor(this.entity);
    for (const card of cards ?? this.ctx.store.cards(this.entity))
      this.ctx.trends.ensure(this.entity, card.score.scorecard);
    setHidden(this.loading, cards !== undefined);
    setHidden(this.empty, cards === undefined || cards.length > 0);
    if (cards !== undefined) this.panels.sync(cards.map((c) => [c.score.scorecard, c] as const));
    return cards;
  }
}
