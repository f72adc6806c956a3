import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DefinitionSet } from '#libs/definitions';
import type { EventLog } from '#libs/event-log';
import { IndicatorProcessor, type ChangeBus, type IndicatorStore } from '#libs/pipeline';
import type { PipelineMetrics } from '../../runtime/src/metrics';
import type { RuntimeConfig } from '../../runtime/src/config';
import type { Clock } from '../../runtime/src/runtime.module';
import { CHANGE_BUS, CLOCK, CONFIG, DEFINITIONS, EVENT_LOG, INDICATOR_STORE, METRICS } from '../../runtime/src/tokens';

const IDLE_MS = 50; // how long to wait when the log has nothing new
const TICK_MS = 1000; // how often the clock moves without events (rolling values decay, periods close)

// Runs the processor: poll the log, fold, persist with checkpoints, publish what changed; a clock
// tick when idle; a last checkpoint on shutdown so a restart replays nothing.
@Injectable()
export class IndicatorProcessorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('indicator-processor');
  private processor: IndicatorProcessor | undefined;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(INDICATOR_STORE) private readonly store: IndicatorStore,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionSet,
    @Inject(CHANGE_BUS) private readonly bus: ChangeBus,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.processor = await IndicatorProcessor.start({
      name: 'indicator-processor',
      log: this.log,
      store: this.store,
      definitions: this.definitions,
      batchSize: this.config.processorBatchSize,
      checkpointEvery: this.config.processorCheckpointEvery,
    });
    this.running = true;
    this.loop = this.run(this.processor);
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.processor?.checkpoint();
  }

  private async run(processor: IndicatorProcessor): Promise<void> {
    let lastTick = Number.NEGATIVE_INFINITY;
    while (this.running) {
      try {
        const started = process.hrtime.bigint();
        const polled = await processor.poll();
        if (polled.events > 0) {
          this.metrics.foldSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
          this.metrics.eventsByOutcome.inc({ outcome: 'late' }, polled.tooLate);
          this.metrics.consumerLag.set(Math.max(0, (await this.log.endOffset()) - polled.offset));
        }
        this.bus.publish(
          polled.acceptedAt === undefined
            ? { changes: polled.changes, clock: polled.clock, offset: polled.offset }
            : { changes: polled.changes, clock: polled.clock, offset: polled.offset, acceptedAt: polled.acceptedAt },
        );
        const now = this.clock.now();
        // only when caught up: ticking to the wall clock mid-backlog would make the backlog late
        if (
          polled.events === 0 &&
          now - lastTick >= TICK_MS &&
          processor.indicatorEngine.clock > Number.NEGATIVE_INFINITY
        ) {
          lastTick = now;
          this.bus.publish({
            changes: await processor.tick(now),
            clock: processor.indicatorEngine.clock,
            offset: processor.offset,
          });
        }
        if (polled.events === 0) await sleep(IDLE_MS);
      } catch (err) {
        // a database hiccup: wait and retry from the same offset (nothing was committed past it)
        this.logger.error(`poll failed, retrying: ${err instanceof Error ? err.message : String(err)}`);
        await sleep(1000);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
