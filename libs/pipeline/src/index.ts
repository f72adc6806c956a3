export {
  BY_ORG,
  groupBy,
  type AlertAck,
  type AlertNews,
  type AlertPending,
  type AlertRecord,
  routeFeeds,
  type ChangeBatch,
  type FeedHandler,
  type FeedMessages,
  type FeedName,
  type Outlet,
  type PublishedNotice,
  type ScoredBatch,
  type SilenceNotice,
  type SubscribeOptions,
  type Subscription,
  type Transport,
} from './feeds';
export {
  AlertingRunner,
  type AlertRoutingOptions,
  type AlertStore,
  type AlertTx,
  type AlertingRunnerOptions,
  type Recorded,
} from './alerting-runner';
export {
  deliveriesOf,
  flushInto,
  routeInto,
  type AlertSubscription,
  type NewDelivery,
  type RoutedAlert,
  type RoutingState,
  type RoutingTx,
} from './alert-routing';
export { InProcessTransport } from './in-process-transport';
export {
  DEFAULT_INGEST_LIMITS,
  ingest,
  type IngestDeps,
  type IngestLimit,
  type IngestLimits,
  type IngestOutcome,
  type IngestStatus,
  type IngestStore,
  type Rejection,
  type RejectionSink,
  type RosterRefusal,
  type UnknownMemberSighting,
  type UnknownMemberSink,
} from './ingest';
export type { IndicatorStore, ProcessorWrite, StoredCheckpoint } from './processor-store';
export type { Folded } from './processor-engine';
export { PersistedKeys, type KeysWrite, type StoredKey } from './persisted-keys';
export { ParkedJourneys, type JourneysWrite } from './parked-journeys';
export { ParkedValues, type StoredValue, type ValuesWrite } from './parked-values';
export { IndicatorProcessor, type ProcessorOptions } from './indicator-processor';
export { PartitionProcessor, type PartitionProcessorOptions, type PartitionRecord } from './partition-processor';
export { LogSource } from './log-source';
export { ProcessorRunner, type ProcessorRunnerOptions, type ProcessorSource } from './processor-runner';
export { ScoringRunner, type ScorecardStore, type ScoringRunnerOptions, type StoredValues } from './scoring-runner';
export {
  rescore,
  rescoreClosed,
  rescoreEntities,
  scoreClosedPeriod,
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
  PeriodCloser,
  scorecardOfPeriod,
  type ClosedPeriodKey,
  type CloseRound,
  type CloseStore,
  type NewRestatement,
  type StoredFrozen,
} from './period-closer';
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
  addSigningSecret,
  authenticateSource,
  issueCredential,
  WEBHOOK_OUTCOMES,
  type ConnectorSettings,
  type Source,
  type SourceCredential,
  type SourceStore,
  type WebhookOutcomeName,
  type WebhookStats,
} from './sources';
export {
  mapPayload,
  receiveWebhook,
  replayWebhooks,
  type IngestPath,
  type WebhookDeps,
  type WebhookPayload,
  type WebhookPayloadStore,
  type WebhookRefusal,
  type WebhookResult,
} from './webhooks';
export { RosterCache, ROSTER_TTL_MS, type RosterStore } from './roster-cache';
export { followPublished, type PublishedVersions } from './follow-published';
export { RosterHistory, type MembershipStore, type TeamRoster } from './roster-history';
export {
  DEFAULT_DELIVERY_POLICY,
  DeliveryRunner,
  errorText,
  MAX_ERROR_CHARS,
  retryDelayMs,
  type Delivery,
  type DeliveryOutbox,
  type DeliveryPolicy,
  type DeliveryRunnerOptions,
  type DeliverySender,
  type DeliveryStatus,
  type DeliveryTick,
} from './delivery-runner';
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
