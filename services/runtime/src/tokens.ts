import type { ProcessorSource } from '#libs/pipeline';

// Injection tokens of what the composition root builds once for every service (runtime.module.ts):
// each names one type, written beside it.
export const CONFIG = Symbol('config'); // RuntimeConfig
export const DATABASE = Symbol('database'); // Database
export const DEFINITIONS = Symbol('definitions'); // DefinitionSet: the indicators and orgs the processor folds with
export const REGISTRY = Symbol('definitions-registry'); // DefinitionsRegistry: the version in force
export const METRICS = Symbol('metrics'); // PipelineMetrics
export const CLOCK = Symbol('clock'); // Clock
export const TRANSPORT = Symbol('transport'); // Transport: the feeds between services
export const INGEST_STORE = Symbol('ingest-store'); // IngestStore: ingest's commit of events and dead letters (Postgres log or Kafka)
export const INTAKE = Symbol('intake'); // Intake: the one way events enter (checks, log, dead letters, counts)
export const WEBHOOK_PAYLOADS = Symbol('webhook-payloads'); // WebhookPayloadsRepository: connectors' kept webhooks
export const REJECTIONS = Symbol('rejections'); // RejectionSink: dead letters
export const PROCESSOR_SOURCE = Symbol('processor-source'); // OpenProcessorSource
export const LOG_HEALTH = Symbol('log-health'); // LogHealth
export const INDICATOR_STORE = Symbol('indicator-store'); // IndicatorStateRepository
export const SCORECARDS = Symbol('scorecards'); // ScorecardsRepository
export const PERIOD_CLOSE = Symbol('period-close'); // PeriodCloseRepository: closed periods, frozen cards, restatements, final grades
export const ROSTER = Symbol('roster'); // RosterRepository: the roster of record
export const ROSTER_CACHE = Symbol('roster-cache'); // RosterCache: each org's roster as of today
export const SOURCES = Symbol('sources'); // SourcesRepository: who may write events
export const DEFINITION_VERSIONS = Symbol('definition-versions'); // DefinitionVersionsRepository
export const REVOKED_TOKENS = Symbol('revoked-tokens'); // RevokedTokensRepository
export const ALERTS = Symbol('alerts'); // AlertsRepository: alert states and transitions
export const ALERT_LIST = Symbol('alert-list'); // AlertListRepository: the page's alerts and acknowledgements
export const ALERT_SUBSCRIPTIONS = Symbol('alert-subscriptions'); // AlertSubscriptionsRepository: subscriptions, silences, deliveries' status
export const DELIVERY_OUTBOX = Symbol('delivery-outbox'); // PostgresDeliveryOutbox

// the wall clock the processor ticks to when idle (tests move it by hand)
export interface Clock {
  now(): number;
}

// Opens the indicator processor's source: the Postgres log, or the Kafka partitions it is assigned.
export type OpenProcessorSource = () => Promise<ProcessorSource>;

// Readiness of the event log: the Postgres log's end and the processor's position, or Kafka's brokers.
export interface LogHealth {
  check(): Promise<{ end: number; processed: number; lag: number } | { kafka: { brokers: number } }>;
}
