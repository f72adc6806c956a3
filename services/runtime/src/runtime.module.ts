import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { orgSettingsFor, type DefinitionSet } from '#libs/definitions';
import type { KafkaConnection } from '#libs/kafka';
import {
  DefinitionsRegistry,
  InProcessTransport,
  LogSource,
  RosterCache,
  RosterHistory,
  type PublishedSet,
  type RejectionSink,
  type Transport,
} from '#libs/pipeline';
import {
  AlertListRepository,
  AlertsRepository,
  AlertSubscriptionsRepository,
  DefinitionVersionsRepository,
  IndicatorStateRepository,
  PeriodCloseRepository,
  PostgresDeliveryOutbox,
  PostgresEventLog,
  PostgresIngestStore,
  RejectedEventsRepository,
  RevokedTokensRepository,
  RosterRepository,
  ScorecardsRepository,
  SecretBox,
  SourcesRepository,
  WebhookPayloadsRepository,
} from '#libs/postgres';
import { formatLocal } from '#libs/time';
import { secretsKey } from './auth';
import type { RuntimeConfig } from './config';
import type { Database } from './database';
import { HealthController } from './health.controller';
import { Intake } from './intake';
import { PipelineMetrics } from './metrics';
import {
  ALERT_LIST,
  ALERT_SUBSCRIPTIONS,
  ALERTS,
  CLOCK,
  CONFIG,
  DATABASE,
  DEFINITION_VERSIONS,
  DEFINITIONS,
  DELIVERY_OUTBOX,
  INDICATOR_STORE,
  INGEST_STORE,
  INTAKE,
  LOG_HEALTH,
  METRICS,
  PERIOD_CLOSE,
  PROCESSOR_SOURCE,
  REGISTRY,
  REJECTIONS,
  REVOKED_TOKENS,
  ROSTER,
  ROSTER_CACHE,
  SCORECARDS,
  SOURCES,
  TRANSPORT,
  WEBHOOK_PAYLOADS,
  type Clock,
  type LogHealth,
  type OpenProcessorSource,
} from './tokens';

export interface RuntimeOptions {
  config: RuntimeConfig;
  database: Database;
  definitions: DefinitionSet; // the files: every org's indicators and orgs, and the scorecards by default
  clock?: Clock; // the wall clock the processor ticks to when idle (tests move it by hand)
  published?: readonly PublishedSet[]; // the published versions in force: each org's newest, the platform default
  transport?: Transport; // the feeds between services; default: all in this process
  kafka?: KafkaConnection; // set: events go through Kafka instead of the Postgres log
}

// the runtime's own, to close it last: services never see the connection
const KAFKA_CONNECTION = Symbol('kafka-connection');

// What every service shares, built once by the composition root (one process, or one per service):
// configuration, database, repositories, the feeds between services, the processor's source, the
// dead letters, the definitions in force. The choice of backend is made here and nowhere else.
@Global()
@Module({ controllers: [HealthController] })
export class RuntimeModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(KAFKA_CONNECTION) private readonly kafka: KafkaConnection | null,
  ) {}

  static register(options: RuntimeOptions): DynamicModule {
    const { config, database, definitions, clock = { now: () => Date.now() }, published = [] } = options;
    const { kafka } = options;
    const log = new PostgresEventLog(database.db);
    const rejected = new RejectedEventsRepository(database.db);
    const indicators = new IndicatorStateRepository(database.db);
    const roster = new RosterRepository(database.db);
    // the roster's today is the org's (its time zone, as the definitions set it)
    const timeZoneOf = (orgId: string) => orgSettingsFor(definitions.orgs, orgId)?.timeZone ?? 'UTC';
    const rosterDay = (orgId: string, now: number) => formatLocal(timeZoneOf(orgId), now).slice(0, 10);
    const processor = {
      name: 'indicator-processor',
      store: indicators,
      definitions,
      checkpointEvery: config.processorCheckpointEvery,
      // no org's clock passes the wall clock + tolerance (checkpoints beyond it are clamped at start)
      time: { now: () => clock.now(), toleranceMs: config.eventTimeToleranceMs },
      // events count for the team the roster of record holds their agent in on their day (read again
      // every ROSTER_TTL_MS: the roster is written by the gateway, perhaps in another process)
      roster: new RosterHistory(roster),
    };
    let inProcess: LogSource | undefined; // the processor's source, when it runs in this process
    const openSource: OpenProcessorSource =
      kafka === undefined
        ? async () => (inProcess = await LogSource.open({ ...processor, log, batchSize: config.processorBatchSize }))
        : () => kafka.partitionSource(processor);
    const logHealth: LogHealth =
      kafka === undefined
        ? {
            async check() {
              const end = await log.endOffset();
              // what the processor has folded; run elsewhere, its last checkpoint (up to
              // PROCESSOR_CHECKPOINT_EVERY flushes behind)
              const processed = inProcess?.position ?? (await log.committedOffset(processor.name));
              return { end, processed, lag: Math.max(0, end - processed) };
            },
          }
        : { check: async () => ({ kafka: { brokers: (await kafka.describe()).brokers } }) };
    const metrics = new PipelineMetrics();
    const secrets = new SecretBox(secretsKey(config)); // connectors' signing secrets, subscriptions' channels
    const ingestStore = new PostgresIngestStore(database.db, kafka?.sink);
    const rosterCache = new RosterCache(roster, rosterDay);
    const providers = [
      { provide: CONFIG, useValue: config },
      { provide: DATABASE, useValue: database },
      { provide: DEFINITIONS, useValue: definitions },
      { provide: REGISTRY, useValue: new DefinitionsRegistry(definitions, published) },
      { provide: METRICS, useValue: metrics },
      { provide: CLOCK, useValue: clock },
      { provide: TRANSPORT, useValue: options.transport ?? new InProcessTransport() },
      { provide: INGEST_STORE, useValue: ingestStore },
      {
        provide: INTAKE,
        useValue: new Intake(ingestStore, definitions, metrics, config, clock, rosterCache, roster),
      },
      { provide: REJECTIONS, useValue: kafka === undefined ? rejected : deadLetters(rejected, kafka) },
      { provide: PROCESSOR_SOURCE, useValue: openSource },
      { provide: LOG_HEALTH, useValue: logHealth },
      { provide: INDICATOR_STORE, useValue: indicators },
      { provide: SCORECARDS, useValue: new ScorecardsRepository(database.db) },
      { provide: PERIOD_CLOSE, useValue: new PeriodCloseRepository(database.db) },
      { provide: ROSTER, useValue: roster },
      { provide: ROSTER_CACHE, useValue: rosterCache },
      { provide: SOURCES, useValue: new SourcesRepository(database.db, secrets) },
      { provide: WEBHOOK_PAYLOADS, useValue: new WebhookPayloadsRepository(database.db) },
      { provide: DEFINITION_VERSIONS, useValue: new DefinitionVersionsRepository(database.db) },
      { provide: REVOKED_TOKENS, useValue: new RevokedTokensRepository(database.db) },
      { provide: ALERT_LIST, useValue: new AlertListRepository(database.db) },
      { provide: ALERTS, useValue: new AlertsRepository(database.db, secrets, timeZoneOf) },
      { provide: ALERT_SUBSCRIPTIONS, useValue: new AlertSubscriptionsRepository(database.db, secrets) },
      { provide: DELIVERY_OUTBOX, useValue: new PostgresDeliveryOutbox(database.db, secrets) },
    ];
    return {
      module: RuntimeModule,
      providers: [...providers, { provide: KAFKA_CONNECTION, useValue: kafka ?? null }],
      exports: providers.map((p) => p.provide),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafka?.close();
    await this.database.close();
  }
}

// Over Kafka a rejected event is kept twice: in rejected_events (to query) and on the dead-letter topic
// (for whoever consumes it).
function deadLetters(table: RejectionSink, kafka: KafkaConnection): RejectionSink {
  return {
    async record(rejections) {
      await Promise.all([table.record(rejections), kafka.sink.deadLetter(rejections)]);
    },
  };
}
