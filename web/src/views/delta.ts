import { h, setAttr, setHidden, setText } from '../dom';
import { formatPointsDelta, formatTotal } from '../format';
import { t, tKey } from '../i18n';
import type { Trend } from '../standing';
import type { ScoredCard } from '../types';

export interface Change {
  delta: number;
  text: string;
  trend: Trend;
  title: string;
}

// A card's total against the previous period's, in points (a higher total is always better).
export function totalChange(card: ScoredCard, previous: ScoredCard | undefined): Change | null {
  const now = card.score.total;
  const before = previous?.score.total ?? null;
  if (now === null || before === null) return null;
  const delta = now - before;
  return {
    delta,
    text: formatPointsDelta(delta),
    trend: delta > 0 ? 'better' : delta < 0 ? 'worse' : 'same',
    title: t('vsPreviousTitle', { value: `${formatTotal(before)} ${previous?.score.grade ?? ''}`.trim() }),
  };
}

// A change against the previous period: an arrow for the way the value moved, coloured by whether that
// is better for this KPI (green whatever its direction), and the signed delta in the KPI's unit.
export class DeltaBadge {
  readonly el: HTMLElement;
  private readonly arrow = h('span', { class: 'delta-arrow', 'aria-hidden': 'true' });
  private readonly text = h('span', { class: 'delta-text num' });

  constructor(testid: string) {
    this.el = h('span', { class: 'delta', 'data-testid': testid }, this.arrow, this.text);
  }

  update(change: Change | null): void {
    setHidden(this.el, change === null);
    if (change === null) return;
    setAttr(this.el, 'data-trend', change.trend);
    this.el.className = `delta delta-${change.trend}`;
    setText(this.arrow, change.delta > 0 ? '▲' : change.delta < 0 ? '▼' : '▶');
    setText(this.text, change.text);
    setAttr(this.el, 'title', `${change.title} · ${tKey(`trend_${change.trend}`)}`);
    setAttr(this.el, 'aria-label', `${t('vsPrevious')} ${change.text}, ${tKey(`trend_${change.trend}`)}`);
  }
}
