import { EventEmitter } from 'node:events';
import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import type { DefinitionSet } from '#libs/definitions';
import type { KafkaConnection } from '#libs/kafka';
import type { RejectionSink } from '#libs/pipeline';
import { DefinitionsRegistry, InMemoryChangeBus } from '#libs/pipeline';
import {
  DefinitionVersionsRepository,
  IndicatorStateRepository,
  PostgresEventLog,
  RejectedEventsRepository,
  ScorecardsRepository,
} from '#libs/postgres';
import type { RuntimeConfig } from './config';
import type { Database } from './database';
import {
  CHANGE_BUS,
  CONFIG,
  DATABASE,
  DEFINITIONS,
  EVENT_LOG,
  INDICATOR_STORE,
  REJECTIONS,
  SCORECARD_BUS,
  SCORECARDS,
  METRICS,
  CLOCK,
  REGISTRY,
  DEFINITION_VERSIONS,
  FEEDS,
  EVENT_APPENDER,
  KAFKA,
} from './tokens';
import { HealthController } from './health.controller';
import { PipelineMetrics } from './metrics';

// What every service shares: the configuration, the database, the event log, the dead letters and the
// KPI definitions. Built once by the composition root (one process, or one per service).
export interface Clock {
  now(): number;
}

// How changes travel between two services: in memory when both run in this process; else over Kafka
// topics when KAFKA_BROKERS is set, or through the Postgres feed (an outbox row written with what it
// announces, NOTIFY to wake the reader). Published definitions always go through Postgres, where they
// are stored.
export type FeedKind = 'memory' | 'postgres' | 'kafka';
export interface Feeds {
  indicatorChanges: FeedKind; // indicator-processor → scoring-service
  scorecards: FeedKind; // scoring-service → scorecard-gateway
  definitions: 'memory' | 'postgres'; // scorecard-gateway (publish) → scoring-service
}

export interface RuntimeOptions {
  config: RuntimeConfig;
  database: Database;
  definitions: DefinitionSet;
  clock?: Clock; // the wall clock the processor ticks to when idle (tests move it by hand)
  definitionsVersion?: number; // the published version the definitions come from (0: the files)
  feeds?: Feeds; // default: all in memory (every service in this process)
  kafka?: KafkaConnection; // set: events go through Kafka instead of the Postgres log
}

@Global()
@Module({ controllers: [HealthController] })
export class RuntimeModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(KAFKA) private readonly kafka: KafkaConnection | null,
  ) {}

  static register(options: RuntimeOptions): DynamicModule {
    const { config, database, definitions, clock = { now: () => Date.now() }, definitionsVersion = 0 } = options;
    const { kafka } = options;
    const log = new PostgresEventLog(database.db);
    const rejected = new RejectedEventsRepository(database.db);
    const feeds = options.feeds ?? { indicatorChanges: 'memory', scorecards: 'memory', definitions: 'memory' };
    const providers = [
      { provide: CLOCK, useValue: clock },
      { provide: FEEDS, useValue: feeds },
      { provide: CONFIG, useValue: config },
      { provide: DATABASE, useValue: database },
      { provide: DEFINITIONS, useValue: definitions },
      { provide: EVENT_LOG, useValue: log },
      { provide: EVENT_APPENDER, useValue: kafka?.sink ?? log },
      { provide: KAFKA, useValue: kafka ?? null },
      { provide: REJECTIONS, useValue: kafka === undefined ? rejected : deadLetters(rejected, kafka) },
      { provide: INDICATOR_STORE, useValue: new IndicatorStateRepository(database.db) },
      { provide: CHANGE_BUS, useValue: new InMemoryChangeBus() },
      { provide: SCORECARDS, useValue: new ScorecardsRepository(database.db) },
      { provide: SCORECARD_BUS, useValue: new EventEmitter() },
      { provide: METRICS, useValue: new PipelineMetrics() },
      { provide: REGISTRY, useValue: new DefinitionsRegistry(definitions, definitionsVersion) },
      { provide: DEFINITION_VERSIONS, useValue: new DefinitionVersionsRepository(database.db) },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
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
