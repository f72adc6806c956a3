import type { GradeDef, KpiDef, ScorecardDef } from '#libs/definitions';
import { capGrade, gradeOf } from './grade';
import { missingScore } from './missing-policy';
import { redLineHits } from './red-lines';
import { roundAchievement, roundScore } from './round';
import type { DimensionScore, KpiScore, KpiStatus, RedLineHit, ScorecardScore } from './scorecard-score';
import { scoreRule } from './score-rule';
import { weightedMean } from './weighted-mean';

interface ScoredKpi {
  def: KpiDef;
  actual: number | null;
  achievement: number | null;
  score: number | null; // unrounded
  hits: RedLineHit[];
}

// actuals are keyed by KPI id; null or absent is no data (a NaN is never scored as a number either).
export function scoreScorecard(def: ScorecardDef, actuals: ReadonlyMap<string, number | null>): ScorecardScore {
  const scored = def.kpis.map((kpi) => scoreKpi(kpi, actuals.get(kpi.id)));
  const hits = scored.flatMap((k) => k.hits);

  const zeroed = new Set(
    scored.filter((k) => k.hits.some((h) => h.effect === 'zero-dimension')).map((k) => k.def.dimension),
  );
  const dimensionScores = def.dimensions.map((dimension) => {
    const mean = weightedMean(
      scored.filter((k) => k.def.dimension === dimension.id).map((k) => ({ weight: k.def.weight, score: k.score })),
    );
    // a zeroing red line only fires on data, so the dimension is never excluded when it applies
    return { dimension, score: zeroed.has(dimension.id) ? 0 : mean };
  });

  let total = weightedMean(dimensionScores.map(({ dimension, score }) => ({ weight: dimension.weight, score })));
  const charged = hits.reduce((sum, h) => sum + (h.effect === 'deduct' ? (h.points ?? 0) : 0), 0);
  const deducted = Math.min(charged, def.maxDeduction ?? Number.POSITIVE_INFINITY);
  if (total !== null) {
    if (hits.some((h) => h.effect === 'veto')) total = 0;
    total = Math.max(0, total - deducted);
  }

  const grade = total === null ? null : gradeTotal(def, roundScore(total), hits);
  return {
    scorecard: def.id,
    version: def.version,
    kpis: scored.map((k) => reportKpi(def, k)),
    dimensions: dimensionScores.map(({ dimension, score }): DimensionScore => ({
      dimension: dimension.id,
      name: dimension.name,
      weight: dimension.weight,
      score: score === null ? null : roundScore(score),
    })),
    total: total === null ? null : roundScore(total),
    grade: grade?.grade ?? null,
    coefficient: grade?.coefficient ?? null,
    bonus: grade?.bonus ?? null,
    redLines: hits,
    deducted: roundScore(deducted),
  };
}

function scoreKpi(kpi: KpiDef, value: number | null | undefined): ScoredKpi {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return { def: kpi, actual: null, achievement: null, score: missingScore(kpi.missing), hits: [] };
  }
  const { score, achievement } = scoreRule(kpi.rule, value, kpi.target, kpi.direction);
  const hits = redLineHits(kpi, value);
  // zero-kpi acts before the dimension is aggregated
  const zeroed = hits.some((h) => h.effect === 'zero-kpi');
  return { def: kpi, actual: value, achievement, score: zeroed ? 0 : score, hits };
}

// Graded on the reported (rounded) total, so that a total shown as 90.00 is never a B because of float
// noise underneath (89.99999999999999).
function gradeTotal(def: ScorecardDef, total: number, hits: readonly RedLineHit[]): GradeDef | undefined {
  const grade = gradeOf(def.grades, total);
  if (grade === undefined) return undefined;
  const caps = hits.flatMap((h) => (h.effect === 'cap-grade' && h.grade !== undefined ? [h.grade] : []));
  return capGrade(def.grades, grade, caps);
}

function reportKpi(def: ScorecardDef, k: ScoredKpi): KpiScore {
  const score = k.score === null ? null : roundScore(k.score);
  const redLine = k.hits.length > 0;
  return {
    kpi: k.def.id,
    indicator: k.def.indicator,
    name: k.def.name,
    dimension: k.def.dimension,
    actual: k.actual,
    target: k.def.target,
    achievement: k.achievement === null ? null : roundAchievement(k.achievement),
    score,
    weight: k.def.weight,
    status: statusOf(def, k.actual === null, redLine, score),
    redLine,
    missing: k.actual === null,
  };
}

function statusOf(def: ScorecardDef, missing: boolean, redLine: boolean, score: number | null): KpiStatus {
  if (missing || score === null) return 'missing';
  if (redLine) return 'red';
  if (score >= def.status.green) return 'green';
  if (score >= def.status.amber) return 'amber';
  return 'red';
}
