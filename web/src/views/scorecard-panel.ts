import { flash, h, Keyed, setAttr, setHidden, setStyle, setText } from '../dom';
import { formatNumber, formatPeriod, formatScore, formatTotal, formatValue } from '../format';
import { redLineIcon } from '../icons';
import { getLang, loc, prettifyId, scorecardName, t, tKey } from '../i18n';
import { biggestGaps, cardStatus, isScored, nextGrade } from '../standing';
import type { PreviousCards, Trends } from '../store';
import type { DimensionScore, KpiScore, RedLineHit, ScoredCard } from '../types';
import { GradeBadge, StatusPill, updateStatusCounts } from './badges';
import { DeltaBadge, totalChange } from './delta';
import { KpiTile } from './kpi-tile';
import { Sparkline } from './sparkline';

export interface PanelOptions {
  tv?: boolean; // one flat grid of tiles that fills the screen, no dimension headings, no-data tiles hidden
  openAlert?: (entity: string, scorecard: string, kpi: string) => void; // a red-line badge opens its alert
}

// An agent's card: their biggest gaps (the KPIs losing the most weighted points) and the points to the
// next grade, so they know where to act.
class Standing {
  readonly el: HTMLElement;
  private readonly next = h('p', { class: 'standing-next', 'data-testid': 'next-grade' });
  private readonly gaps = h('ol', { class: 'standing-gaps', 'data-testid': 'biggest-gaps' });

  constructor() {
    this.el = h(
      'section',
      { class: 'standing', 'data-testid': 'standing' },
      h('h3', { class: 'dims-title' }, t('standing')),
      this.next,
      h('p', { class: 'total-label' }, t('biggestGaps')),
      this.gaps,
    );
  }

  update(card: ScoredCard): void {
    const next = nextGrade(card);
    setHidden(this.next, next.kind === 'none');
    setAttr(this.next, 'data-grade', next.kind === 'needs' ? next.grade.grade : null);
    setText(
      this.next,
      next.kind === 'top'
        ? t('topGrade')
        : next.kind === 'needs'
          ? t(next.grade.minExclusive === true ? 'toNextGradeAbove' : 'toNextGrade', {
              grade: next.grade.grade,
              // rounded up, so that adding the points shown reaches the grade
              points: formatNumber(Math.ceil(next.points * 100) / 100),
            })
          : '',
    );
    const gaps = biggestGaps(card);
    const key = JSON.stringify(gaps.map((g) => [g.kpi.kpi, g.points.toFixed(1)])) + getLang();
    if (this.gaps.dataset.key === key) return;
    this.gaps.dataset.key = key;
    this.gaps.replaceChildren(
      ...(gaps.length === 0
        ? [h('li', { class: 'gap-none' }, t('noGaps'))]
        : gaps.map((gap) =>
            h(
              'li',
              { class: 'gap', 'data-kpi': gap.kpi.kpi },
              h('span', { class: 'gap-name' }, loc(gap.kpi.name)),
              h('span', { class: 'gap-points num' }, t('gapPoints', { points: formatScore(gap.points) })),
            ),
          )),
    );
  }
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
  private readonly totalDelta = new DeltaBadge('total-delta');
  private readonly grade = new GradeBadge('xl', 'scorecard-grade');
  private readonly status = new StatusPill('scorecard-status');
  private readonly hiddenTiles = h('p', { class: 'tiles-hidden', 'data-testid': 'hidden-no-data' });
  private readonly standing: Standing | null;
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
  private previousKpis = new Map<string, KpiScore>();
  private card: ScoredCard | null = null;

  constructor(
    readonly entity: string,
    readonly scorecard: string,
    private readonly trends: Trends,
    private readonly previous: PreviousCards,
    private readonly options: PanelOptions = {},
  ) {
    this.standing = entity.startsWith('agent:') && options.tv !== true ? new Standing() : null;
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
      (kpi) => {
        const open = options.openAlert;
        return new KpiTile(kpi, open === undefined ? undefined : () => open(entity, scorecard, kpi.kpi));
      },
      (tile, kpi) =>
        tile.update(kpi, this.series(kpi.kpi), {
          currency: this.card?.currency ?? '',
          window: this.card?.window ?? 'month',
          previous: this.previousKpis.get(kpi.kpi),
          dimension: this.dimNames.get(kpi.dimension) ?? '',
        }),
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
        // how many KPIs are in each status: KPIs, not the card (the card's chip sits by its grade)
        h('div', { class: 'status-counts-wrap' }, h('span', { class: 'status-counts-label' }, t('kpis')), this.counts),
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
            h(
              'div',
              { class: 'total-wrap' },
              h('span', { class: 'total-label' }, t('total')),
              this.total,
              this.totalDelta.el,
            ),
            h(
              'div',
              { class: 'grade-wrap' },
              h('span', { class: 'total-label' }, t('grade')),
              h('div', { class: 'grade-row' }, this.grade.el, this.status.el),
            ),
          ),
          this.facts,
          h('div', { class: 'score-trend' }, h('span', { class: 'total-label' }, t('trend')), this.trend.el),
        ),
        h('div', { class: 'dims' }, h('h3', { class: 'dims-title' }, t('dimensions')), dimsList),
        this.standing?.el,
      ),
      this.banner,
      tilesHost,
      this.hiddenTiles,
    );
    setAttr(this.counts, 'aria-label', t('kpiStatusCounts'));
    setAttr(this.counts, 'title', t('kpiStatusCounts'));
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
    const previous = this.previous.of(card);
    this.previousKpis = new Map((previous?.score.kpis ?? []).map((k) => [k.kpi, k]));
    this.totalDelta.update(totalChange(card, previous));
    this.grade.update(score.grade);
    const status = cardStatus(card);
    this.status.update(status);
    this.el.dataset.status = status;
    this.standing?.update(card);
    this.el.dataset.grade = score.grade ?? '';
    setHidden(this.coefficientRow, score.coefficient === null);
    setText(this.coefficient, score.coefficient === null ? '' : `×${formatNumber(score.coefficient)}`);
    setHidden(this.bonusRow, score.bonus === null);
    setText(this.bonus, formatValue({ unit: 'amount' }, score.bonus, card.currency)); // in the org's currency
    setHidden(this.deductedRow, !(score.deducted > 0));
    setText(this.deducted, `−${formatNumber(score.deducted)}`);
    setHidden(this.facts, score.coefficient === null && score.bonus === null && !(score.deducted > 0));
    this.trend.update(
      this.trends.get(this.entity, this.scorecard)?.total ?? (score.total === null ? [] : [score.total]),
      null,
    );

    updateStatusCounts(
      this.counts,
      score.kpis.filter((k) => k.unscored === undefined),
      false,
    );
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
    // a wall screen shows the KPIs that have a reading, and says how many it leaves out
    const shown = this.options.tv ? kpis.filter((k) => !k.missing && isScored(k)) : kpis;
    const hidden = kpis.length - shown.length;
    setHidden(this.hiddenTiles, hidden === 0);
    setAttr(this.hiddenTiles, 'data-count', String(hidden));
    setText(this.hiddenTiles, hidden === 1 ? t('tvHiddenNoDataOne') : t('tvHiddenNoData', { n: hidden }));
    this.tiles.sync(shown.map((k) => [k.kpi, k] as const));
  }

  get current(): ScoredCard | null {
    return this.card;
  }
}
