export { createDataSource, migrate, MIGRATIONS, type PostgresOptions } from './data-source';
export { REPORTING_ROLE } from './migrations/1763888000000-reporting';
export { PostgresEventLog } from './postgres-event-log';
export { PostgresPreviewStore } from './preview-store.repository';
export { PostgresIngestStore, type BrokerLog } from './ingest-store';
export { RejectedEventsRepository, type StoredRejection } from './rejected-events.repository';
export { IndicatorStateRepository, type Checkpoint } from './indicator-state.repository';
export { RosterRepository, type RosterAsOf, type UnknownMember } from './roster.repository';
export { RevokedTokensRepository, type Revocation } from './revoked-tokens.repository';
export { ScorecardsRepository, type HistoryPoint, type StoredCard } from './scorecards.repository';
export { DefinitionVersionsRepository, type DefinitionVersion } from './definition-versions.repository';
export { appendToFeed, PostgresFeedTransport } from './postgres-feed';
export { newSourceId, SourcesRepository } from './sources.repository';
export { rekeySecrets, RekeyRefused, type RekeyReport } from './rekey-secrets';
export { SecretBox } from './secret-box';
export { WebhookPayloadsRepository } from './webhook-payloads.repository';
export { AlertsRepository } from './alerts.repository';
export { RetentionRepository } from './retention.repository';
export {
  AlertListRepository,
  type Acknowledgement,
  type CurrentAlert,
  type CurrentAlerts,
  type HistoryEntry,
} from './alert-list.repository';
export {
  AlertSubscriptionsRepository,
  silenceNews,
  type DeliveryFilter,
  type StoredDelivery,
  type StoredSubscription,
  type SubscriptionFields,
} from './alert-subscriptions.repository';
export { PostgresDeliveryOutbox } from './delivery-outbox';
export {
  PeriodCloseRepository,
  type AuditEntry,
  type ClosedPeriodRow,
  type FinalGrade,
  type FrozenScorecard,
  type RestatementDecision,
  type RestatementRow,
} from './period-close.repository';
export { PostgresPeriodResults } from './review-results.repository';
export { ReviewPacksRepository, type ReviewSubscriber, type StoredPack } from './review-packs.repository';
export { ReviewDealsRepository } from './review-deals.repository';
