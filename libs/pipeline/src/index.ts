export {
  BY_ORG,
  groupBy,
  routeFeeds,
  type ChangeBatch,
  type FeedHandler,
  type FeedMessages,
  type FeedName,
  type OpenedBreach,
  type Outlet,
  type PublishedNotice,
  type ScoredBatch,
  type SubscribeOptions,
  type Subscription,
  type Transport,
} from './feeds';
export { InProcessTransport } from './in-process-transport';
export {
  ingest,
  type IngestDeps,
  type IngestOutcome,
  type IngestStatus,
  type Rejection,
  type RejectionSink,
  type RosterRefusal,
  type UnknownMemberSighting,
  type UnknownMemberSink,
} from './ingest';
export type { IndicatorStore, ProcessorWrite, StoredCheckpoint } from './processor-store';
export type { Folded } from './processor-engine';
export { IndicatorProcessor, type ProcessorOptions } from './indicator-processor';
export { PartitionProcessor, type PartitionProcessorOptions, type PartitionRecord } from './partition-processor';
export { LogSource } from './log-source';
export { ProcessorRunner, type ProcessorRunnerOptions, type ProcessorSource } from './processor-runner';
export { ScoringRunner, type ScorecardStore, type ScoringRunnerOptions, type StoredValues } from './scoring-runner';
export {
  rescore,
  rescoreEntities,
  VIEW_WINDOWS,
  zoneOf,
  type CardKpi,
  type CardScore,
  type ScoredCard,
  type ScoringClock,
  type ValuesReader,
  type ViewWindow,
} from './rescore';
export { completeStoredCard, type StoredScoredCard } from './stored-card';
export {
  DefinitionsRegistry,
  parsePublished,
  type DefinitionsFor,
  type PublishedSet,
  type PublishOutcome,
} from './definitions-registry';
export { ValuesCache } from './values-cache';
export { RoomLedger, type RoomSnapshot, type RoomUpdate } from './room-updates';
export { errorMessage, type RunnerLogger, type RunnerMetrics } from './ports';
export { isTransient } from './transient-error';
export {
  ACTIVE_CREDENTIALS,
  authenticateSource,
  issueCredential,
  type Source,
  type SourceCredential,
  type SourceStore,
} from './sources';
export { RosterCache, ROSTER_TTL_MS, type RosterStore } from './roster-cache';
export { followPublished, type PublishedVersions } from './follow-published';
export { RosterHistory, type MembershipStore, type TeamRoster } from './roster-history';
export {
  RETENTION_TARGETS,
  RetentionRunner,
  type PruneBatch,
  type PruneResult,
  type RetentionPolicy,
  type RetentionRunnerOptions,
  type RetentionStore,
  type RetentionTarget,
} from './retention-runner';
