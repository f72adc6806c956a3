import { flash, h, setAttr, setHidden, setText } from '../dom';
import { formatDelta, formatPercent, formatScore, formatValue } from '../format';
import { redLineIcon } from '../icons';
import { loc, t, tKey } from '../i18n';
import { paceReading, trendOf } from '../standing';
import type { KpiScore, Window } from '../types';
import { StatusPill } from './badges';
import { DeltaBadge } from './delta';
import { Sparkline } from './sparkline';

// What a tile needs besides its KPI: the card's currency and window, and the same KPI on the previous
// period's card (undefined while loading or when there is none).
export interface TileContext {
  currency: string;
  window: Window;
  previous: KpiScore | undefined;
  dimension: string; // the dimension's name
}

// One KPI: name, actual (biggest) with its change against the previous period and its pace, status in
// icon and words (or "not scored over 24 h"), target, achievement as scored, score and weight, a
// sparkline of recent actuals and a red-line badge when one was crossed.
export class KpiTile {
  readonly el: HTMLElement;
  private readonly name: HTMLElement;
  private readonly dimension = h('span', { class: 'tile-dim' });
  private readonly actual: HTMLElement;
  private readonly delta = new DeltaBadge('kpi-delta');
  private readonly pace = h('p', { class: 'tile-pace', 'data-testid': 'kpi-pace' });
  private readonly paceGap = h('span', { class: 'pace-gap' });
  private readonly paceProjected = h('span', { class: 'pace-projected num' });
  private readonly target: HTMLElement;
  private readonly achievement: HTMLElement;
  private readonly score: HTMLElement;
  private readonly scoredOnPace = h('span', { class: 'scored-on-pace', 'data-testid': 'kpi-scored-on-pace' });
  private readonly weight: HTMLElement;
  private readonly redLine: HTMLElement;
  private readonly status = new StatusPill('kpi-status');
  private readonly unscored = h('span', { class: 'status-pill status-unscored', 'data-testid': 'kpi-unscored' });
  private readonly spark = new Sparkline('sparkline tile-spark');

  // onRedLine: the red-line badge is a button that opens the red line's alert
  constructor(kpi: KpiScore, onRedLine?: () => void) {
    this.name = h('h4', { class: 'tile-name' });
    this.redLine =
      onRedLine === undefined
        ? h(
            'span',
            { class: 'redline-badge', 'data-testid': 'redline-badge' },
            redLineIcon(),
            h('span', {}, t('redLine')),
          )
        : h(
            'button',
            {
              type: 'button',
              class: 'redline-badge redline-link',
              'data-testid': 'redline-badge',
              title: t('redLineAlert'),
              'aria-label': `${t('redLine')}: ${t('redLineAlert')}`,
              onclick: onRedLine,
            },
            redLineIcon(),
            h('span', {}, t('redLine')),
          );
    this.actual = h('span', { class: 'tile-actual num', 'data-testid': 'kpi-actual' });
    this.target = h('dd', { class: 'num', 'data-testid': 'kpi-target' });
    this.achievement = h('dd', { class: 'num', 'data-testid': 'kpi-achievement' });
    this.score = h('dd', { class: 'num', 'data-testid': 'kpi-score' });
    this.weight = h('dd', { class: 'num', 'data-testid': 'kpi-weight' });
    this.pace.append(this.paceGap, this.paceProjected);
    const fact = (label: string, value: HTMLElement, className = 'fact'): HTMLElement =>
      h('div', { class: className }, h('dt', {}, label), value);
    this.el = h(
      'article',
      { class: 'tile', 'data-testid': 'kpi-tile', 'data-kpi': kpi.kpi },
      h('header', { class: 'tile-head' }, h('div', { class: 'tile-names' }, this.dimension, this.name), this.redLine),
      h('div', { class: 'tile-main' }, h('div', { class: 'tile-value' }, this.actual, this.delta.el), this.spark.el),
      this.pace,
      h('div', { class: 'tile-status-row' }, this.status.el, this.unscored, this.scoredOnPace),
      h(
        'dl',
        { class: 'tile-facts' },
        fact(t('target'), this.target, 'fact fact-target'),
        fact(t('achievement'), this.achievement),
        fact(t('score'), this.score),
        fact(t('weight'), this.weight),
      ),
    );
  }

  update(kpi: KpiScore, trend: readonly number[] | undefined, context: TileContext): void {
    const { currency, previous } = context;
    const unscored = kpi.unscored !== undefined;
    setText(this.dimension, context.dimension);
    setAttr(this.el, 'data-dimension', kpi.dimension);
    setAttr(this.el, 'data-status', unscored ? 'unscored' : kpi.status);
    this.el.classList.toggle('is-redline', kpi.redLine);
    this.el.classList.toggle('tile-unscored', unscored);
    for (const status of ['green', 'amber', 'red', 'missing'] as const)
      this.el.classList.toggle(`tile-${status}`, !unscored && kpi.status === status);
    setText(this.name, loc(kpi.name));
    setAttr(this.el, 'title', `${kpi.name.zh} · ${kpi.name.en}`);
    setHidden(this.redLine, !kpi.redLine);
    const actual = formatValue(kpi, kpi.actual, currency);
    if (setText(this.actual, actual) && this.el.isConnected) flash(this.actual);
    setAttr(this.actual, 'title', kpi.actual === null ? null : String(kpi.actual));
    this.delta.update(
      kpi.actual === null || previous?.actual === null || previous?.actual === undefined
        ? null
        : {
            delta: kpi.actual - previous.actual,
            text: formatDelta(kpi, kpi.actual - previous.actual, currency),
            trend: trendOf(kpi.actual - previous.actual, kpi.direction),
            title: t('vsPreviousTitle', { value: formatValue(kpi, previous.actual, currency) }),
          },
    );
    this.updatePace(kpi, currency);
    setText(this.target, formatValue(kpi, kpi.target, currency));
    // achievement as the card gives it: the ratio the score was computed from, capped as the rule caps it
    setText(this.achievement, unscored ? '–' : formatPercent(kpi.achievement));
    setText(this.score, unscored ? '–' : formatScore(kpi.score));
    setText(this.weight, String(kpi.weight));
    setHidden(this.status.el, unscored);
    setHidden(this.unscored, !unscored);
    if (unscored) {
      setText(this.unscored, t('notScoredOver', { span: tKey(`span_${context.window}`) }));
      setAttr(this.unscored, 'title', t('notScoredTitle'));
    } else this.status.update(kpi.status);
    this.spark.update(trend ?? (kpi.actual === null ? [] : [kpi.actual]), kpi.target);
  }

  // beside the actual: "behind pace by 12 %" and the projection to the period end
  private updatePace(kpi: KpiScore, currency: string): void {
    const pace = kpi.pace;
    const reading = paceReading(kpi);
    setHidden(this.pace, pace === undefined || reading === null);
    const onPace = pace?.scoredOn === 'pace' && kpi.unscored === undefined;
    setHidden(this.scoredOnPace, !onPace);
    setText(this.scoredOnPace, t('scoredOnPace'));
    setAttr(this.scoredOnPace, 'title', t('scoredOnPaceTitle'));
    if (pace === undefined || reading === null) {
      setAttr(this.pace, 'data-pace', null);
      return;
    }
    setAttr(this.pace, 'data-pace', reading.kind);
    this.pace.className = `tile-pace pace-${reading.kind}`;
    setText(
      this.paceGap,
      reading.kind === 'on'
        ? t('paceOn')
        : t(reading.kind === 'ahead' ? 'paceAhead' : 'paceBehind', { pct: formatPercent(reading.by) }),
    );
    setText(
      this.paceProjected,
      pace.projected === null ? '' : t('paceProjected', { value: formatValue(kpi, pace.projected, currency) }),
    );
    setAttr(
      this.pace,
      'title',
      t('paceExpected', { value: formatValue(kpi, pace.expected, currency), elapsed: formatPercent(pace.elapsed) }),
    );
  }
}
