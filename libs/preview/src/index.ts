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
  replayPreview,
  type EventRange,
  type PreviewEvents,
  type PreviewInput,
  type PreviewProgress,
  type PreviewReport,
} from './replay-preview';
