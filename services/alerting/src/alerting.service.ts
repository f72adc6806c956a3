import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  AlertingRunner,
  followPublished,
  type DefinitionsRegistry,
  type Subscription,
  type Transport,
} from '#libs/pipeline';
import type { AlertsRepository, DefinitionVersionsRepository } from '#libs/postgres';
import type { PipelineMetrics } from '#runtime/metrics';
import { ALERTS, DEFINITION_VERSIONS, METRICS, REGISTRY, TRANSPORT } from '#runtime/tokens';

// The alerting service: scored cards in, the alert rules of their scorecards read on them, each alert
// instance's state and transitions kept in Postgres (libs/pipeline AlertingRunner). Its instances share
// the orgs, like scoring's.
@Injectable()
export class AlertingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('alerting');
  private readonly runner: AlertingRunner;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(DEFINITION_VERSIONS) private readonly versions: DefinitionVersionsRepository,
    @Inject(ALERTS) store: AlertsRepository,
    @Inject(METRICS) metrics: PipelineMetrics,
  ) {
    this.runner = new AlertingRunner({
      registry,
      store,
      logger: this.logger,
      news: transport.outlet('alerts'),
      onTransitions: (count) => metrics.alertTransitions.inc(count),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriptions.push(
      await this.transport.subscribe('scorecard-updates', (batch) => this.runner.receive(batch), {
        consumer: 'alerting',
        mode: 'shared',
        onError: (err) => this.logger.error(String(err)),
      }),
      // the rules of a version published elsewhere are read here too
      await followPublished(this.transport, this.registry, this.versions, 'alerting', this.logger),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.runner.stop();
    for (const s of this.subscriptions) await s.close();
  }
}
