export { createDataSource, migrate, MIGRATIONS, type PostgresOptions } from './data-source';
export { PostgresEventLog } from './postgres-event-log';
export { RejectedEventsRepository, type StoredRejection } from './rejected-events.repository';
export { IndicatorStateRepository, INDICATOR_CHANGES, type Checkpoint } from './indicator-state.repository';
export {
  ScorecardsRepository,
  SCORECARD_UPDATES,
  type HistoryPoint,
  type OpenedBreach,
  type StoredCard,
} from './scorecards.repository';
export {
  DefinitionVersionsRepository,
  DEFINITIONS_PUBLISHED,
  type DefinitionVersion,
} from './definition-versions.repository';
export { appendToFeed, pruneFeed, PostgresFeedReader, type FeedListener } from './postgres-feed';
