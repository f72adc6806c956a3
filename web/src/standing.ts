import type { GradeDef, KpiScore, KpiStatus, ScoredCard } from './types';

// Where a scorecard stands, read from the card alone: its status word, its biggest gaps, the points to
// the next grade, and how a KPI moved against the previous period. The page says one thing at a time:
// every chip, gap and delta derives from the card's own grade, scores and red lines.

// A KPI takes part in the total unless the view window does not score it or the missing policy excluded it.
export const isScored = (kpi: KpiScore): boolean => kpi.unscored === undefined && kpi.score !== null;

// The status of a whole card, one rule everywhere (panel, team card, agents table): no total → no data;
// else from where its grade sits among the scorecard's grades (best first): the lowest grade is below
// target, the one above it close, any better one on target; a crossed red line makes it at best close.
export function cardStatus(card: Pick<ScoredCard, 'grades' | 'score'>): KpiStatus {
  const { total, grade, redLines } = card.score;
  if (total === null) return 'missing';
  const grades = card.grades.map((g) => g.grade);
  const at = grade === null ? -1 : grades.indexOf(grade);
  const fromGrade: KpiStatus =
    at < 0 || at === grades.length - 1 ? 'red' : at === grades.length - 2 && grades.length > 2 ? 'amber' : 'green';
  return redLines.length > 0 && fromGrade === 'green' ? 'amber' : fromGrade;
}

const RANK: Record<KpiStatus, number> = { missing: 0, green: 1, amber: 2, red: 3 };

export function worstStatus(statuses: Iterable<KpiStatus>): KpiStatus {
  let worst: KpiStatus = 'missing';
  for (const status of statuses) if (RANK[status] > RANK[worst]) worst = status;
  return worst;
}

export interface Gap {
  kpi: KpiScore;
  points: number; // points of the total lost by this KPI's score below 100
}

// Each scored KPI's share of the total (its dimension's share × its share in the dimension, among those
// with a score, as the weighted means of libs/scoring), times what its score misses of 100; the biggest
// first. Red-line deductions are not a KPI's: the banner names them.
export function biggestGaps(card: Pick<ScoredCard, 'score'>, count = 3): Gap[] {
  const { dimensions, kpis } = card.score;
  const scoredDims = dimensions.filter((d) => d.score !== null);
  const dimTotal = scoredDims.reduce((n, d) => n + d.weight, 0);
  const gaps: Gap[] = [];
  for (const dim of scoredDims) {
    const inDim = kpis.filter((k) => k.dimension === dim.dimension && isScored(k));
    const kpiTotal = inDim.reduce((n, k) => n + k.weight, 0);
    if (dimTotal <= 0 || kpiTotal <= 0) continue;
    for (const kpi of inDim) {
      const points = (dim.weight / dimTotal) * (kpi.weight / kpiTotal) * (100 - (kpi.score ?? 100));
      if (points >= 0.05) gaps.push({ kpi, points });
    }
  }
  return gaps.sort((a, b) => b.points - a.points).slice(0, count);
}

export type NextGrade =
  | { kind: 'top' } // already the best grade
  | { kind: 'needs'; grade: GradeDef; points: number } // points to add to the total to reach it
  | { kind: 'none' }; // no total or no grades

// The grade above the card's and the points its total needs to reach it (above `min` when minExclusive).
export function nextGrade(card: Pick<ScoredCard, 'grades' | 'score'>): NextGrade {
  const { total, grade } = card.score;
  const at = card.grades.findIndex((g) => g.grade === grade);
  if (total === null || at < 0) return { kind: 'none' };
  const above = card.grades[at - 1];
  if (above === undefined) return { kind: 'top' };
  return { kind: 'needs', grade: above, points: Math.max(0, above.min - total) };
}

export type Trend = 'better' | 'worse' | 'same';

// Which way a change goes for this KPI: up is better for a higher-is-better KPI, down for a lower one.
export function trendOf(delta: number, direction: KpiScore['direction']): Trend {
  if (delta === 0) return 'same';
  return delta > 0 === (direction === 'higher') ? 'better' : 'worse';
}

export type PaceReading =
  | { kind: 'on' }
  | { kind: 'ahead'; by: number } // a fraction: 0.05 = 5 %
  | { kind: 'behind'; by: number };

// "on pace" when the gap rounds to 0 %; ahead means better than the pro-rated target in the KPI's direction.
export function paceReading(kpi: Pick<KpiScore, 'pace' | 'direction'>): PaceReading | null {
  const gap = kpi.pace?.gap;
  if (gap === null || gap === undefined || !Number.isFinite(gap)) return null;
  if (Math.round(Math.abs(gap) * 100) === 0) return { kind: 'on' };
  const better = gap > 0 === (kpi.direction === 'higher');
  return better ? { kind: 'ahead', by: Math.abs(gap) } : { kind: 'behind', by: Math.abs(gap) };
}
