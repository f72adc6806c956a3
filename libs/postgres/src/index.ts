export { createDataSource, migrate, MIGRATIONS, type PostgresOptions } from './data-source';
export { PostgresEventLog } from './postgres-event-log';
export { RejectedEventsRepository, type StoredRejection } from './rejected-events.repository';
export { IndicatorStateRepository, type Checkpoint } from './indicator-state.repository';
export { RosterRepository } from './roster.repository';
export { RevokedTokensRepository, type Revocation } from './revoked-tokens.repository';
export { ScorecardsRepository, type HistoryPoint, type StoredCard } from './scorecards.repository';
export { DefinitionVersionsRepository, type DefinitionVersion } from './definition-versions.repository';
export { PostgresFeedTransport } from './postgres-feed';
