import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  AlertingRunner,
  DeliveryRunner,
  errorMessage,
  followPublished,
  type DefinitionsRegistry,
  type DeliveryOutbox,
  type RosterCache,
  type Subscription,
  type Transport,
} from '#libs/pipeline';
import type { AlertsRepository, DefinitionVersionsRepository } from '#libs/postgres';
import { ChannelSender } from '#runtime/channel-sender';
import type { RuntimeConfig } from '#runtime/config';
import { HttpSender } from '#runtime/http-sender';
import type { PipelineMetrics } from '#runtime/metrics';
import { SmtpSender } from '#runtime/smtp-sender';
import {
  ALERTS,
  CONFIG,
  DEFINITION_VERSIONS,
  DELIVERY_OUTBOX,
  METRICS,
  REGISTRY,
  ROSTER_CACHE,
  TRANSPORT,
} from '#runtime/tokens';

// The alerting service: scored cards in, the alert rules of their scorecards read on them, each alert
// instance's state and transitions kept in Postgres and routed, in the same transaction, into the
// subscriptions' groups and the delivery outbox (libs/pipeline AlertingRunner); then, every
// ALERTS_POLL_MS, the groups due (waits over, repeats) into the outbox and the outbox to the channels
// (DeliveryRunner). Its instances share the orgs, like scoring's; any instance sends any delivery.
@Injectable()
export class AlertingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('alerting');
  private readonly runner: AlertingRunner;
  private readonly deliveries: DeliveryRunner;
  private readonly smtp: SmtpSender | null;
  private readonly subscriptions: Subscription[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private passing: Promise<void> | null = null;

  constructor(
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(DEFINITION_VERSIONS) private readonly versions: DefinitionVersionsRepository,
    @Inject(ALERTS) store: AlertsRepository,
    @Inject(DELIVERY_OUTBOX) outbox: DeliveryOutbox,
    @Inject(ROSTER_CACHE) rosters: RosterCache,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(METRICS) metrics: PipelineMetrics,
  ) {
    this.runner = new AlertingRunner({
      registry,
      store,
      logger: this.logger,
      news: transport.outlet('alerts'),
      onTransitions: (count) => metrics.alertTransitions.inc(count),
      routing: {
        baseUrl: config.alerts.publicUrl,
        teamOf: async (orgId, agentId) => (await rosters.of(orgId)).teamOf.get(agentId) ?? null,
        // sent at once rather than at the next pass
        onDeliveries: () => void this.deliver(),
      },
    });
    this.smtp = config.alerts.smtp === null ? null : new SmtpSender(config.alerts.smtp);
    this.deliveries = new DeliveryRunner(outbox, new ChannelSender(new HttpSender(), this.smtp), {
      logger: this.logger,
      onRound: (tick) => {
        for (const status of ['delivered', 'retried', 'failed'] as const)
          if (tick[status] > 0) metrics.alertDeliveries.inc({ status }, tick[status]);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriptions.push(
      await this.transport.subscribe('scorecard-updates', (batch) => this.runner.receive(batch), {
        consumer: 'alerting',
        mode: 'shared',
        from: 'committed', // the cards scored while it was down too (a period's closing scoring)
        onError: (err) => this.logger.error(String(err)),
      }),
      // the rules of a version published elsewhere are read here too
      await followPublished(this.transport, this.registry, this.versions, 'alerting', this.logger),
    );
    // deliveries left pending by a crash are sent at the first pass
    this.timer = setInterval(() => void this.pass(), this.config.alerts.pollMs);
    void this.pass();
  }

  async onApplicationShutdown(): Promise<void> {
    this.runner.stop();
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const s of this.subscriptions) await s.close();
    await this.passing;
    await this.deliveries.stop();
    this.smtp?.close();
  }

  // one pass at a time: the groups due into the outbox, then the outbox out
  private pass(): Promise<void> {
    this.passing ??= (async () => {
      try {
        await this.runner.flushDue();
        await this.deliver();
      } catch (err) {
        this.logger.error(`alert delivery pass failed: ${errorMessage(err)}`);
      }
    })().finally(() => (this.passing = null));
    return this.passing;
  }

  private async deliver(): Promise<void> {
    try {
      await this.deliveries.tick();
    } catch (err) {
      this.logger.error(`alert delivery failed: ${errorMessage(err)}`);
    }
  }
}
