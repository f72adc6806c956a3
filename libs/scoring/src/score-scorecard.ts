import type { GradeDef, KpiDef, ScorecardDef, StatusThresholds } from '#libs/definitions';
import { capGrade, gradeOf } from './grade';
import { missingScore } from './missing-policy';
import { redLineHits } from './red-lines';
import type { DimensionScore, KpiScore, KpiStatus, RedLineHit, ScorecardScore } from './scorecard-score';
import { scoreRule } from './score-rule';
import { weightedMean } from './weighted-mean';

interface ScoredKpi {
  def: KpiDef;
  actual: number | null;
  achievement: number | null;
  score: number | null;
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

  const grade = total === null ? null : gradeTotal(def, total, hits);
  return {
    scorecard: def.id,
    version: def.version,
    kpis: scored.map((k) => reportKpi(def, k)),
    dimensions: dimensionScores.map(({ dimension, score }): DimensionScore => ({
      dimension: dimension.id,
      name: dimension.name,
      weight: dimension.weight,
      score,
    })),
    total,
    grade: grade?.grade ?? null,
    coefficient: grade?.coefficient ?? null,
    bonus: grade?.bonus ?? null,
    redLines: hits,
    deducted,
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

// Graded on the exact total: 89.9962 is a B although a report to two decimals shows 90.00.
function gradeTotal(def: ScorecardDef, total: number, hits: readonly RedLineHit[]): GradeDef | undefined {
  const grade = gradeOf(def.grades, total);
  if (grade === undefined) return undefined;
  const caps = hits.flatMap((h) => (h.effect === 'cap-grade' && h.grade !== undefined ? [h.grade] : []));
  return capGrade(def.grades, grade, caps);
}

function reportKpi(def: ScorecardDef, k: ScoredKpi): KpiScore {
  const redLine = k.hits.length > 0;
  return {
    kpi: k.def.id,
    indicator: k.def.indicator,
    name: k.def.name,
    dimension: k.def.dimension,
    actual: k.actual,
    target: k.def.target,
    achievement: k.achievement,
    score: k.score,
    weight: k.def.weight,
    status: k.actual === null ? 'missing' : statusOf(k.def.status ?? def.status, k.score),
    redLine,
    missing: k.actual === null,
  };
}

// docs/definitions.md (status, red lines): the exact KPI score alone decides, ≥ green is green, ≥ amber
// amber, else red, on the KPI's own thresholds where it has them. A crossed red line shows as `redLine`, not in the status; zero-kpi zeroes the score.
function statusOf(thresholds: StatusThresholds, score: number | null): KpiStatus {
  if (score === null) return 'missing';
  if (score >= thresholds.green) return 'green';
  if (score >= thresholds.amber) return 'amber';
  return 'red';
}
