export { createDataSource, MIGRATIONS, type PostgresOptions } from './data-source';
export { PostgresEventLog } from './postgres-event-log';
export { RejectedEventsRepository, type RejectedEvent, type StoredRejection } from './rejected-events.repository';
export { IndicatorStateRepository, type Checkpoint } from './indicator-state.repository';
export { ScorecardsRepository, type StoredCard } from './scorecards.repository';
export { DefinitionVersionsRepository, type DefinitionVersion } from './definition-versions.repository';
