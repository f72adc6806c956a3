export { graceOf, closesAt, duePeriods, RESTATEMENT_WINDOW_MS } from './close-schedule';
export {
  contentHash,
  freezeCard,
  type CardToFreeze,
  type FrozenCard,
  type FrozenContent,
  type FrozenEntity,
  type FrozenKpi,
  type FrozenValue,
} from './frozen-card';
export { diffFrozen, type Difference } from './restatement';
export { rankByTotal, type RankMember, type Ranked } from './ranking';
export {
  proposeCalibration,
  type CalibrationMember,
  type CalibrationProposal,
  type GradeLimitCheck,
  type ProposedGrade,
} from './calibration';
export { splitBonusPool, type BonusMember, type BonusShare, type BonusSplit } from './bonus-pool';
export { streakOutcomes, type PeriodResult, type StreakResult } from './streaks';
export {
  closePeriod,
  closingOf,
  resultOf,
  streakLookback,
  type ClosingMember,
  type PeriodClosing,
  type PeriodOutcome,
  type PersonOutcome,
} from './close-period';
