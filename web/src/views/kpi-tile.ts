import { flash, h, setAttr, setHidden, setText } from '../dom';
import { formatPercent, formatScore, formatValue } from '../format';
import { redLineIcon } from '../icons';
import { loc, t } from '../i18n';
import type { KpiScore } from '../types';
import { StatusPill } from './badges';
import { Sparkline } from './sparkline';

// One KPI: name, actual (biggest), status in icon and words, target, achievement, score and weight, a
// sparkline of recent actuals and a red-line badge when one was crossed.
export class KpiTile {
  readonly el: HTMLElement;
  private readonly name: HTMLElement;
  private readonly dimension = h('span', { class: 'tile-dim' });
  private readonly actual: HTMLElement;
  private readonly target: HTMLElement;
  private readonly achievement: HTMLElement;
  private readonly score: HTMLElement;
  private readonly weight: HTMLElement;
  private readonly redLine: HTMLElement;
  private readonly status = new StatusPill('kpi-status');
  private readonly spark = new Sparkline('sparkline tile-spark');

  constructor(kpi: KpiScore) {
    this.name = h('h4', { class: 'tile-name' });
    this.redLine = h(
      'span',
      { class: 'redline-badge', 'data-testid': 'redline-badge' },
      redLineIcon(),
      h('span', {}, t('redLine')),
    );
    this.actual = h('span', { class: 'tile-actual num', 'data-testid': 'kpi-actual' });
    this.target = h('dd', { class: 'num', 'data-testid': 'kpi-target' });
    this.achievement = h('dd', { class: 'num', 'data-testid': 'kpi-achievement' });
    this.score = h('dd', { class: 'num', 'data-testid': 'kpi-score' });
    this.weight = h('dd', { class: 'num', 'data-testid': 'kpi-weight' });
    const fact = (label: string, value: HTMLElement): HTMLElement =>
      h('div', { class: 'fact' }, h('dt', {}, label), value);
    this.el = h(
      'article',
      { class: 'tile', 'data-testid': 'kpi-tile', 'data-kpi': kpi.kpi },
      h('header', { class: 'tile-head' }, h('div', { class: 'tile-names' }, this.dimension, this.name), this.redLine),
      h('div', { class: 'tile-main' }, this.actual, this.spark.el),
      h('div', { class: 'tile-status-row' }, this.status.el),
      h(
        'dl',
        { class: 'tile-facts' },
        fact(t('target'), this.target),
        fact(t('achievement'), this.achievement),
        fact(t('score'), this.score),
        fact(t('weight'), this.weight),
      ),
    );
  }

  update(kpi: KpiScore, trend: readonly number[] | undefined, dimension: string): void {
    setText(this.dimension, dimension);
    setAttr(this.el, 'data-dimension', kpi.dimension);
    setAttr(this.el, 'data-status', kpi.status);
    this.el.classList.toggle('is-redline', kpi.redLine);
    for (const status of ['green', 'amber', 'red', 'missing'] as const)
      this.el.classList.toggle(`tile-${status}`, kpi.status === status);
    setText(this.name, loc(kpi.name));
    setAttr(this.el, 'title', `${kpi.name.zh} · ${kpi.name.en}`);
    setHidden(this.redLine, !kpi.redLine);
    if (setText(this.actual, formatValue(kpi, kpi.actual)) && this.el.isConnected) flash(this.actual);
    setText(this.target, formatValue(kpi, kpi.target));
    setText(this.achievement, formatPercent(kpi.achievement));
    setText(this.score, formatScore(kpi.score));
    setText(this.weight, String(kpi.weight));
    this.status.update(kpi.status);
    this.spark.update(trend ?? (kpi.actual === null ? [] : [kpi.actual]), kpi.target);
  }
}
