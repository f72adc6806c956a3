import type { GradeDef, KpiDef, ScorecardDef, StatusThresholds } from '#libs/definitions';
import { reaches } from './boundary';
import { capGrade, gradeOf } from './grade';
import { missingScore } from './missing-policy';
import { redLineHits } from './red-lines';
import { paceOf } from './pace';
import type { DimensionScore, KpiPace, KpiScore, KpiStatus, RedLineHit, ScorecardScore } from './scorecard-score';
import { scoreRule } from './score-rule';
import { weightedMean } from './weighted-mean';

// What the scoring moment adds to a KPI's actual (scoreCardAt knows the period and the clock).
export interface KpiMoment {
  elapsed?: number; // a cumulative KPI whose calendar period has not closed: the fraction elapsed, in (0, 1]
  unscored?: 'window'; // scored over a view window its indicator does not provide
}

interface ScoredKpi {
  def: KpiDef;
  actual: number | null;
  achievement: number | null;
  score: number | null;
  hits: RedLineHit[];
  pace?: KpiPace;
  unscored?: 'window';
}

const NO_MOMENTS: ReadonlyMap<string, KpiMoment> = new Map();

// actuals and moments are keyed by KPI id; a null or absent actual is no data (a NaN is never scored as
// a number either).
export function scoreScorecard(
  def: ScorecardDef,
  actuals: ReadonlyMap<string, number | null>,
  moments: ReadonlyMap<string, KpiMoment> = NO_MOMENTS,
): ScorecardScore {
  const scored = def.kpis.map((kpi) => scoreKpi(kpi, actuals.get(kpi.id), moments.get(kpi.id) ?? {}));
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

function scoreKpi(kpi: KpiDef, value: number | null | undefined, moment: KpiMoment): ScoredKpi {
  // out of the total: no score, no missing policy, no red line
  if (moment.unscored !== undefined) {
    return { def: kpi, actual: null, achievement: null, score: null, hits: [], unscored: moment.unscored };
  }
  const actual = value === undefined || Number.isNaN(value) ? null : value;
  const pace =
    moment.elapsed === undefined
      ? undefined
      : paceOf(actual, kpi.target, kpi.direction, moment.elapsed, kpi.beforeClose ?? 'target');
  if (actual === null) {
    return { def: kpi, actual: null, achievement: null, score: missingScore(kpi.missing), hits: [], pace };
  }
  // docs/definitions.md (Pace): while the period is open, a KPI scored on pace is scored, red lines
  // included, on the pro-rated target
  const target = pace?.scoredOn === 'pace' ? pace.expected : kpi.target;
  const { score, achievement } = scoreRule(kpi.rule, actual, target, kpi.direction);
  const hits = redLineHits(kpi, actual, target);
  // zero-kpi acts before the dimension is aggregated
  const zeroed = hits.some((h) => h.effect === 'zero-kpi');
  return { def: kpi, actual, achievement, score: zeroed ? 0 : score, hits, pace };
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
  const reported: KpiScore = {
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
    missing: k.actual === null && k.unscored === undefined,
  };
  if (k.pace !== undefined) reported.pace = k.pace;
  if (k.unscored !== undefined) reported.unscored = k.unscored;
  return reported;
}

// docs/definitions.md (status, red lines): the exact KPI score alone decides, ≥ green is green, ≥ amber
// amber, else red, on the KPI's own thresholds where it has them. A crossed red line shows as `redLine`, not in the status; zero-kpi zeroes the score.
function statusOf(thresholds: StatusThresholds, score: number | null): KpiStatus {
  if (score === null) return 'missing';
  if (reaches(score, thresholds.green)) return 'green';
  if (reaches(score, thresholds.amber)) return 'amber';
  return 'red';
}
