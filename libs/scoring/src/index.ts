export { scoreRule, type RuleScore } from './score-rule';
export { scoreScorecard, type KpiMoment } from './score-scorecard';
export { achievementRatio, meetsTarget } from './achievement';
export { gradeOf, capGrade } from './grade';
export { below, reaches } from './boundary';
export type {
  DimensionScore,
  KpiPace,
  KpiScore,
  KpiStatus,
  RedLineHit,
  RedLineHitEffect,
  ScorecardScore,
} from './scorecard-score';
