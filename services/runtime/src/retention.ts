import { Logger, type FactoryProvider, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RetentionRunner, type RetentionPolicy, type RetentionTarget } from '#libs/pipeline';
import { RetentionRepository } from '#libs/postgres';
import type { RetentionConfig, RuntimeConfig } from './config';
import type { Database } from './database';
import type { PipelineMetrics } from './metrics';
import { CONFIG, DATABASE, METRICS } from './tokens';

// Retention in a service (docs/retention.md): the RetentionRunner over the tables the service owns,
// so that each table is pruned by one service whether they run in one process or several.
export class Retention implements OnApplicationBootstrap, OnApplicationShutdown {
  private runner: RetentionRunner | undefined;

  constructor(
    private readonly targets: readonly RetentionTarget[],
    private readonly config: RetentionConfig,
    private readonly database: Database,
    private readonly metrics: PipelineMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.runner = RetentionRunner.start({
      store: new RetentionRepository(this.database.db),
      policies: policiesOf(this.targets, this.config),
      everyMs: this.config.everyMs,
      batchSize: this.config.batchSize,
      // the rows' times are the database's now() when written, not the processor's (movable) clock
      now: () => Date.now(),
      metrics: { prunedRows: this.metrics.retentionPrunedRows },
      logger: new Logger('retention'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }
}

// The provider a service module lists: `retentionOf('event-log', 'indicator-history')`.
export function retentionOf(...targets: RetentionTarget[]): FactoryProvider<Retention> {
  return {
    provide: Retention,
    useFactory: (config: RuntimeConfig, database: Database, metrics: PipelineMetrics) =>
      new Retention(targets, config.retention, database, metrics),
    inject: [CONFIG, DATABASE, METRICS],
  };
}

export function policiesOf(
  targets: readonly RetentionTarget[],
  config: RetentionConfig,
): Partial<Record<RetentionTarget, RetentionPolicy>> {
  const policies: Partial<Record<RetentionTarget, RetentionPolicy>> = {};
  for (const target of targets) {
    const keepMs = keptFor(target, config);
    // a table kept forever ("off") is not pruned at all
    if (keepMs === undefined) continue;
    const history = target === 'indicator-history' || target === 'scorecard-history';
    policies[target] = history ? { keepMs, stepMs: config.historyStepMs } : { keepMs };
  }
  return policies;
}

function keptFor(target: RetentionTarget, config: RetentionConfig): number | undefined {
  switch (target) {
    case 'event-log':
      return config.eventsMs;
    case 'dead-letters':
      return config.deadLettersMs;
    case 'feed':
      return config.feedMs;
    case 'indicator-history':
    case 'scorecard-history':
      return config.historyMs;
    case 'breaches':
      return config.breachesMs;
    case 'deliveries':
      return config.deliveriesMs;
    case 'webhook-payloads':
      return config.webhooksMs;
    case 'revoked-tokens':
      return config.revokedTokensMs;
  }
}
