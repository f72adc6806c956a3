import { flash, h, Keyed, setAttr, setHidden, setStyle, setText } from '../dom';
import { formatNumber, formatPeriod, formatScore, formatTotal } from '../format';
import { redLineIcon } from '../icons';
import { getLang, loc, prettifyId, scorecardName, t, tKey } from '../i18n';
import type { Trends } from '../store';
import type { DimensionScore, KpiScore, RedLineHit, ScoredCard } from '../types';
import { GradeBadge, updateStatusCounts } from './badges';
import { KpiTile } from './kpi-tile';
import { Sparkline } from './sparkline';

export interface PanelOptions {
  tv?: boolean; // one flat grid of tiles that fills the screen, no dimension headings
}

class DimensionBar {
  readonly el: HTMLElement;
  private readonly name = h('span', { class: 'dim-name' });
  private readonly score = h('span', { class: 'dim-score num', 'data-testid': 'dimension-score' });
  private readonly weight = h('span', { class: 'dim-weight num' });
  private readonly fill = h('div', { class: 'bar-fill' });
  private readonly bar: HTMLElement;

  constructor(dim: DimensionScore) {
    this.bar = h('div', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100 }, this.fill);
    this.el = h(
      'div',
      { class: 'dim', 'data-testid': 'dimension-bar', 'data-dimension': dim.dimension },
      h('div', { class: 'dim-label' }, this.name, h('span', { class: 'dim-nums' }, this.score, this.weight)),
      this.bar,
    );
  }

  update(dim: DimensionScore): void {
    setText(this.name, loc(dim.name));
    setText(this.score, formatScore(dim.score));
    setText(this.weight, `${t('weight')} ${formatNumber(dim.weight)}`);
    const pct = dim.score === null ? 0 : Math.max(0, Math.min(100, dim.score));
    setStyle(this.fill, 'width', `${pct}%`);
    this.el.classList.toggle('is-missing', dim.score === null);
    this.el.classList.toggle('is-low', dim.score !== null && dim.score < 60);
    setAttr(this.bar, 'aria-valuenow', dim.score === null ? null : String(dim.score));
    setAttr(this.bar, 'aria-label', `${loc(dim.name)}: ${formatScore(dim.score)} / 100, ${t('weight')} ${dim.weight}`);
  }
}

function hitText(hit: RedLineHit, kpis: readonly KpiScore[]): string {
  const kpi = kpis.find((k) => k.kpi === hit.kpi);
  const name = kpi === undefined ? hit.kpi : loc(kpi.name);
  const effect = tKey(`effect_${hit.effect}`, { points: hit.points ?? '', grade: hit.grade ?? '' });
  return getLang() === 'zh' ? `${name}：${effect}` : `${name}: ${effect}`;
}

// One scorecard: title and period, total and grade (the biggest things on the page), coefficient or
// bonus, the red-line banner, dimension bars and the KPI tiles. Built once, then patched in place.
export class ScorecardPanel {
  readonly el: HTMLElement;
  private readonly title = h('h2', { class: 'panel-title' });
  private readonly period = h('span', { class: 'panel-period', 'data-testid': 'scorecard-period' });
  private readonly id = h('span', { class: 'panel-id' });
  private readonly counts = h('div', { class: 'status-counts' });
  private readonly total = h('span', { class: 'total num', 'data-testid': 'scorecard-total' });
  private readonly grade = new GradeBadge('xl', 'scorecard-grade');
  private readonly facts = h('dl', { class: 'score-facts' });
  private readonly coefficient = h('dd', { class: 'num', 'data-testid': 'scorecard-coefficient' });
  private readonly bonus = h('dd', { class: 'num', 'data-testid': 'scorecard-bonus' });
  private readonly deducted = h('dd', { class: 'num', 'data-testid': 'scorecard-deducted' });
  private readonly coefficientRow: HTMLElement;
  private readonly bonusRow: HTMLElement;
  private readonly deductedRow: HTMLElement;
  private readonly trend = new Sparkline('sparkline total-spark');
  private readonly banner: HTMLElement;
  private readonly bannerList = h('ul', { class: 'banner-list' });
  private readonly dims: Keyed<DimensionScore, DimensionBar>;
  private readonly tiles: Keyed<KpiScore, KpiTile>;
  private dimNames = new Map<string, string>();
  private card: ScoredCard | null = null;

  constructor(
    readonly entity: string,
    readonly scorecard: string,
    private readonly trends: Trends,
    private readonly options: PanelOptions = {},
  ) {
    const fact = (label: string, value: HTMLElement): HTMLElement =>
      h('div', { class: 'fact' }, h('dt', {}, label), value);
    this.coefficientRow = fact(t('coefficient'), this.coefficient);
    this.bonusRow = fact(t('bonus'), this.bonus);
    this.deductedRow = fact(t('deducted'), this.deducted);
    this.facts.append(this.coefficientRow, this.bonusRow, this.deductedRow);
    this.banner = h(
      'div',
      { class: 'redline-banner', role: 'alert', 'data-testid': 'redline-banner' },
      redLineIcon(),
      h('div', { class: 'banner-body' }, h('strong', { class: 'banner-title' }, t('redLineCrossed')), this.bannerList),
    );
    const dimsList = h('div', { class: 'dims-list' });
    this.dims = new Keyed(
      dimsList,
      (d) => new DimensionBar(d),
      (bar, d) => bar.update(d),
    );
    const tilesHost = h('div', { class: options.tv ? 'tiles tiles-fit' : 'tiles', 'data-testid': 'kpi-tiles' });
    this.tiles = new Keyed(
      tilesHost,
      (kpi) => new KpiTile(kpi),
      (tile, kpi) => tile.update(kpi, this.series(kpi.kpi), this.dimNames.get(kpi.dimension) ?? ''),
    );
    this.el = h(
      'section',
      {
        class: `panel scorecard${options.tv ? ' is-tv' : ''}`,
        'data-testid': 'scorecard',
        'data-scorecard': scorecard,
        'data-entity': entity,
      },
      h(
        'header',
        { class: 'panel-head' },
        h('div', { class: 'panel-heading' }, this.title, h('p', { class: 'panel-sub' }, this.period, this.id)),
        this.counts,
      ),
      h(
        'div',
        { class: 'panel-hero' },
        h(
          'div',
          { class: 'score-box' },
          h(
            'div',
            { class: 'score-main' },
            h('div', { class: 'total-wrap' }, h('span', { class: 'total-label' }, t('total')), this.total),
            h('div', { class: 'grade-wrap' }, h('span', { class: 'total-label' }, t('grade')), this.grade.el),
          ),
          this.facts,
          h('div', { class: 'score-trend' }, h('span', { class: 'total-label' }, t('trend')), this.trend.el),
        ),
        h('div', { class: 'dims' }, h('h3', { class: 'dims-title' }, t('dimensions')), dimsList),
      ),
      this.banner,
      tilesHost,
    );
    if (options.tv) this.el.querySelector('.panel-hero')?.after(this.banner);
    else this.el.querySelector('.panel-head')?.after(this.banner);
  }

  private series(kpi: string): readonly number[] | undefined {
    return this.trends.get(this.entity, this.scorecard)?.kpis.get(kpi);
  }

  update(card: ScoredCard): void {
    this.card = card;
    const score = card.score;
    setText(this.title, scorecardName(card));
    setText(this.period, `${tKey(`window_${card.window}`)} · ${formatPeriod(card)}`);
    setAttr(this.period, 'title', card.timeZone);
    setAttr(this.period, 'data-window', card.window);
    setText(this.id, `${prettifyId(score.scorecard)} · v${score.version}`);
    setAttr(this.id, 'title', score.scorecard);
    if (setText(this.total, formatTotal(score.total)) && this.el.isConnected) flash(this.total);
    this.grade.update(score.grade);
    this.el.dataset.grade = score.grade ?? '';
    setHidden(this.coefficientRow, score.coefficient === null);
    setText(this.coefficient, score.coefficient === null ? '' : `×${formatNumber(score.coefficient)}`);
    setHidden(this.bonusRow, score.bonus === null);
    setText(this.bonus, formatNumber(score.bonus));
    setHidden(this.deductedRow, !(score.deducted > 0));
    setText(this.deducted, `−${formatNumber(score.deducted)}`);
    setHidden(this.facts, score.coefficient === null && score.bonus === null && !(score.deducted > 0));
    this.trend.update(
      this.trends.get(this.entity, this.scorecard)?.total ?? (score.total === null ? [] : [score.total]),
      null,
    );

    updateStatusCounts(this.counts, score.kpis, false);
    const hits = score.redLines;
    setHidden(this.banner, hits.length === 0);
    this.el.classList.toggle('has-redline', hits.length > 0);
    const texts = hits.map((hit) => hitText(hit, score.kpis));
    if (texts.join('\n') !== [...this.bannerList.children].map((li) => li.textContent).join('\n'))
      this.bannerList.replaceChildren(...texts.map((text) => h('li', {}, text)));

    this.dims.sync(score.dimensions.map((d) => [d.dimension, d] as const));
    this.dimNames = new Map(score.dimensions.map((d) => [d.dimension, loc(d.name)]));
    // tiles in the scorecard's order: dimension by dimension
    const order = new Map(score.dimensions.map((d, i) => [d.dimension, i]));
    const kpis = score.kpis
      .map((kpi, i) => ({ kpi, i }))
      .sort((a, b) => (order.get(a.kpi.dimension) ?? 1e9) - (order.get(b.kpi.dimension) ?? 1e9) || a.i - b.i)
      .map(({ kpi }) => kpi);
    this.tiles.sync(kpis.map((k) => [k.kpi, k] as const));
  }

  get current(): ScoredCard | null {
    return this.card;
  }
}
