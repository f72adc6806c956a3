export {
  diffScorecards,
  outcomeOf,
  type CardOutcome,
  type CardTally,
  type EntityChange,
  type PeriodCard,
  type PreviewPeriod,
  type ScorecardDiff,
} from './scorecard-diff';
export {
  previewFromStore,
  type PreviewInput,
  type PreviewProgress,
  type PreviewReport,
  type PreviewStore,
  type ValueRead,
} from './rescore-preview';
