import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  followPublished,
  PeriodCloser,
  ScoringRunner,
  type DefinitionsRegistry,
  type RejectionSink,
  type Subscription,
  type Transport,
} from '#libs/pipeline';
import type {
  DefinitionVersionsRepository,
  IndicatorStateRepository,
  PeriodCloseRepository,
  ScorecardsRepository,
} from '#libs/postgres';
import type { PipelineMetrics } from '#runtime/metrics';
import {
  DEFINITION_VERSIONS,
  INDICATOR_STORE,
  METRICS,
  PERIOD_CLOSE,
  REGISTRY,
  REJECTIONS,
  SCORECARDS,
  TRANSPORT,
} from '#runtime/tokens';

// The scoring service: indicator changes in, scored cards out to the gateways and stored with their
// breaches (libs/pipeline ScoringRunner); periods closed when due by each org's clock, late changes to a
// frozen card kept as restatements (PeriodCloser). Its instances share the orgs; a version published for an org
// re-scores that org's entities (a platform default: every org's).
@Injectable()
export class ScoringService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('scoring-service');
  private readonly runner: ScoringRunner;
  private readonly subscriptions: Subscription[] = [];
  private unsubscribe: (() => unknown) | undefined;

  constructor(
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(DEFINITION_VERSIONS) private readonly versions: DefinitionVersionsRepository,
    @Inject(INDICATOR_STORE) values: IndicatorStateRepository,
    @Inject(SCORECARDS) scorecards: ScorecardsRepository,
    @Inject(PERIOD_CLOSE) closes: PeriodCloseRepository,
    @Inject(REJECTIONS) deadLetters: RejectionSink,
    @Inject(METRICS) metrics: PipelineMetrics,
  ) {
    this.runner = new ScoringRunner({
      registry,
      values,
      scorecards,
      updates: transport.outlet('scorecard-updates'),
      closer: new PeriodCloser({ definitionsFor: registry.definitionsFor, store: closes }),
      deadLetters,
      metrics,
      logger: this.logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.registry.onPublish((orgId) =>
      orgId === null ? this.runner.rescoreAll() : this.runner.rescoreOrg(orgId),
    );
    const onError = (err: unknown) => this.logger.error(String(err));
    this.subscriptions.push(
      await this.transport.subscribe('indicator-changes', (batch) => this.runner.receive(batch), {
        consumer: 'scoring',
        mode: 'shared',
        onOwnership: (owns) => this.runner.own(owns),
        onError,
      }),
      // a version published on a gateway elsewhere re-scores here (registry.onPublish above)
      await followPublished(this.transport, this.registry, this.versions, 'scoring', this.logger),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    for (const s of this.subscriptions) await s.close();
    await this.runner.stop();
  }
}
