import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DefinitionSet } from '#libs/definitions';
import type { EventLog } from '#libs/event-log';
import { KafkaIndicatorConsumer, SOURCE_TOPICS, TOPICS, type KafkaConnection } from '#libs/kafka';
import {
  IndicatorProcessor,
  PartitionProcessor,
  type ChangeBatch,
  type ChangeBus,
  type IndicatorStore,
  type ProcessorOptions,
  type RejectionSink,
} from '#libs/pipeline';
import type { PipelineMetrics } from '../../runtime/src/metrics';
import type { RuntimeConfig } from '../../runtime/src/config';
import type { Clock, Feeds } from '../../runtime/src/runtime.module';
import {
  CHANGE_BUS,
  CLOCK,
  CONFIG,
  DEFINITIONS,
  EVENT_LOG,
  FEEDS,
  INDICATOR_STORE,
  KAFKA,
  METRICS,
  REJECTIONS,
} from '../../runtime/src/tokens';
import { errorMessage } from '../../runtime/src/error-message';

const IDLE_MS = 50; // how long to wait when the log has nothing new
const MERGE_IDLE_MS = 200; // over Kafka: how long a quiet source topic holds back the others' later events

// Runs the processor: poll the log, fold, hand the changes to scoring at once; persist them (coalesced)
// every PROCESSOR_FLUSH_MS while the next polls fold on; a clock tick when idle; a last checkpoint on
// shutdown so a restart replays nothing. A failed write restarts the processor from its checkpoint.
@Injectable()
export class IndicatorProcessorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('indicator-processor');
  private processor: IndicatorProcessor | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private flushing: Promise<void> | undefined;
  private flushFailure: Error | undefined;
  private consumer: KafkaIndicatorConsumer | undefined;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(INDICATOR_STORE) private readonly store: IndicatorStore,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionSet,
    @Inject(CHANGE_BUS) private readonly bus: ChangeBus,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(FEEDS) private readonly feeds: Feeds,
    @Inject(KAFKA) private readonly kafka: KafkaConnection | null,
    @Inject(REJECTIONS) private readonly rejections: RejectionSink,
  ) {}

  private get options(): ProcessorOptions {
    return {
      name: 'indicator-processor',
      log: this.log,
      store: this.store,
      definitions: this.definitions,
      batchSize: this.config.processorBatchSize,
      checkpointEvery: this.config.processorCheckpointEvery,
      durableFeed: this.feeds.indicatorChanges === 'postgres',
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.kafka !== null) {
      this.consumer = await this.startKafkaConsumer(this.kafka);
      return;
    }
    this.processor = await IndicatorProcessor.start(this.options);
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.consumer !== undefined) return this.consumer.stop();
    this.running = false;
    await this.loop;
    await this.flushing;
    await this.processor?.checkpoint();
  }

  // Over Kafka: one member of the processors' consumer group, an engine per partition it holds.
  private startKafkaConsumer(kafka: KafkaConnection): Promise<KafkaIndicatorConsumer> {
    const processor = new PartitionProcessor({
      name: 'indicator-processor',
      store: this.store,
      definitions: this.definitions,
      checkpointEvery: this.config.processorCheckpointEvery,
      topics: SOURCE_TOPICS,
      idleMs: MERGE_IDLE_MS,
      durableFeed: this.feeds.indicatorChanges === 'postgres',
    });
    return KafkaIndicatorConsumer.start({
      kafka: kafka.kafka,
      groupId: 'kpi-pulse-indicator-processors',
      processor,
      flushMs: this.config.processorFlushMs,
      tickMs: this.config.processorTickMs,
      now: () => this.clock.now(),
      sessionTimeoutMs: this.config.kafkaSessionTimeoutMs,
      onFolded: (result) => {
        this.metrics.eventsByOutcome.inc({ outcome: 'late' }, result.tooLate);
        this.announce({
          changes: result.changes,
          clock: result.clock,
          offset: 0,
          ...(result.acceptedAt === undefined ? {} : { acceptedAt: result.acceptedAt }),
        });
      },
      onRejected: (rejections) => this.rejections.record(rejections),
      onError: (err) => this.logger.error(`kafka processor: ${errorMessage(err)}`),
    });
  }

  // Hands changes to scoring: in memory, or on the changes topic (the Postgres feed instead rides
  // along with the flush that stores them).
  private announce(batch: ChangeBatch): void {
    if (this.feeds.indicatorChanges !== 'kafka' || this.kafka === null) return this.bus.publish(batch);
    const { changes, ...rest } = batch;
    this.kafka.feed
      .publishByOrg(
        TOPICS.indicatorChanges,
        changes,
        (c) => c.entity.orgId,
        (own) => ({ ...rest, changes: own }),
      )
      .catch((err: unknown) => this.logger.error(`publishing indicator changes: ${errorMessage(err)}`));
  }

  private async run(): Promise<void> {
    let lastTick = Number.NEGATIVE_INFINITY;
    let lastFlush = performance.now(); // flush cadence runs on real time, whatever the engine's clock
    while (this.running) {
      const processor = this.processor as IndicatorProcessor;
      try {
        if (this.flushFailure !== undefined) throw this.flushFailure;
        const started = process.hrtime.bigint();
        const polled = await processor.poll();
        if (polled.events > 0) {
          this.metrics.foldSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
          this.metrics.eventsByOutcome.inc({ outcome: 'late' }, polled.tooLate);
          this.metrics.consumerLag.set(Math.max(0, (await this.log.endOffset()) - polled.offset));
          this.announce(
            polled.acceptedAt === undefined
              ? { changes: polled.changes, clock: polled.clock, offset: polled.offset }
              : { changes: polled.changes, clock: polled.clock, offset: polled.offset, acceptedAt: polled.acceptedAt },
          );
        }
        const now = this.clock.now();
        // only when caught up: ticking to the wall clock mid-backlog would make the backlog late
        const tickMs = this.config.processorTickMs;
        if (
          tickMs > 0 &&
          polled.events === 0 &&
          now - lastTick >= tickMs &&
          processor.indicatorEngine.clock > -Infinity
        ) {
          lastTick = now;
          const changes = processor.tick(now);
          this.announce({ changes, clock: processor.indicatorEngine.clock, offset: processor.offset });
        }
        if (
          this.flushing === undefined &&
          processor.unflushed > 0 &&
          performance.now() - lastFlush >= this.config.processorFlushMs
        ) {
          lastFlush = performance.now();
          const stop = this.metrics.flushSeconds.startTimer();
          this.flushing = processor.flush().then(
            () => {
              stop();
              this.flushing = undefined;
            },
            (err: unknown) => {
              this.flushFailure = err instanceof Error ? err : new Error(String(err));
              this.flushing = undefined;
            },
          );
        }
        if (polled.events === 0) await sleep(IDLE_MS);
      } catch (err) {
        // a database hiccup: start over from the checkpoint (values are upserts, so replaying rewrites them)
        this.logger.error(`processing failed, restarting from the checkpoint: ${errorMessage(err)}`);
        await this.flushing;
        this.flushFailure = undefined;
        await sleep(1000);
        try {
          this.processor = await IndicatorProcessor.start(this.options);
        } catch (restartErr) {
          this.logger.error(`restart failed, retrying: ${errorMessage(restartErr)}`);
        }
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
