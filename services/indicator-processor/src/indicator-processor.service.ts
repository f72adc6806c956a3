import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ProcessorRunner, type RejectionSink, type Transport } from '#libs/pipeline';
import type { RuntimeConfig } from '#runtime/config';
import type { PipelineMetrics } from '#runtime/metrics';
import {
  CLOCK,
  CONFIG,
  METRICS,
  PROCESSOR_SOURCE,
  REJECTIONS,
  TRANSPORT,
  type Clock,
  type OpenProcessorSource,
} from '#runtime/tokens';

// The indicator processor: its source's events folded into indicator values, the changes handed to
// scoring (libs/pipeline ProcessorRunner); a last checkpoint on shutdown.
@Injectable()
export class IndicatorProcessorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private runner: ProcessorRunner | undefined;

  constructor(
    @Inject(PROCESSOR_SOURCE) private readonly openSource: OpenProcessorSource,
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(REJECTIONS) private readonly rejections: RejectionSink,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.runner = ProcessorRunner.start({
      source: await this.openSource(),
      changes: this.transport.outlet('indicator-changes'),
      rejections: this.rejections,
      metrics: this.metrics,
      logger: new Logger('indicator-processor'),
      now: () => this.clock.now(),
      flushMs: this.config.processorFlushMs,
      tickMs: this.config.processorTickMs,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }
}
