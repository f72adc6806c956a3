import type { IndicatorValue } from '#libs/indicators';
import { IndicatorProcessor, type ProcessorOptions } from './indicator-processor';
import type { Folded } from './processor-engine';
import type { ProcessorSource } from './processor-runner';

// The Postgres event log as a processor's source: one engine, one offset, checkpointed together.
export class LogSource implements ProcessorSource {
  private constructor(
    private readonly options: ProcessorOptions,
    private processor: IndicatorProcessor,
  ) {}

  static async open(options: ProcessorOptions): Promise<LogSource> {
    return new LogSource(options, await IndicatorProcessor.start(options));
  }

  // the offset of the last event folded
  get position(): number {
    return this.processor.offset;
  }

  get unflushed(): number {
    return this.processor.unflushed;
  }

  get uncheckpointed(): boolean {
    return this.processor.uncheckpointed;
  }

  get checkpointBytes(): number {
    return this.processor.checkpointBytes;
  }

  get started(): boolean {
    return this.processor.indicatorEngine.clock > Number.NEGATIVE_INFINITY;
  }

  fold(): Promise<Folded> {
    return this.processor.poll();
  }

  tick(now: number): { changes: IndicatorValue[]; clock: number; clocks: Record<string, number> } {
    const changes = this.processor.tick(now);
    const engine = this.processor.indicatorEngine;
    return { changes, clock: engine.clock, clocks: engine.clocks() };
  }

  flush(options: { checkpoint?: boolean; outbox: boolean }): Promise<void> {
    return this.processor.flush(options);
  }

  async restart(): Promise<void> {
    this.processor = await IndicatorProcessor.start(this.options);
  }

  async lag(): Promise<number> {
    return Math.max(0, (await this.options.log.endOffset()) - this.processor.offset);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
