import type { Folded, IndicatorStore, ProcessorSource, ProcessorWrite, RunnerMetrics } from '#libs/pipeline';

// The production processor's store and source, passed through unchanged: the benches extend these to
// count or time a call without touching the rest.

export class PassingStore implements IndicatorStore {
  constructor(protected readonly inner: IndicatorStore) {}

  loadCheckpoint(processor: string): ReturnType<IndicatorStore['loadCheckpoint']> {
    return this.inner.loadCheckpoint(processor);
  }
  save(write: ProcessorWrite): Promise<void> {
    return this.inner.save(write);
  }
  findKeys(processor: string, keys: readonly string[]): ReturnType<IndicatorStore['findKeys']> {
    return this.inner.findKeys(processor, keys);
  }
  findJourneys(...args: Parameters<IndicatorStore['findJourneys']>): ReturnType<IndicatorStore['findJourneys']> {
    return this.inner.findJourneys(...args);
  }
  findValues(...args: Parameters<IndicatorStore['findValues']>): ReturnType<IndicatorStore['findValues']> {
    return this.inner.findValues(...args);
  }
  forgetProcessor(processor: string): Promise<void> {
    return this.inner.forgetProcessor(processor);
  }
}

export class PassingSource implements ProcessorSource {
  constructor(protected readonly inner: ProcessorSource) {}

  get unflushed(): number {
    return this.inner.unflushed;
  }
  get uncheckpointed(): boolean {
    return this.inner.uncheckpointed;
  }
  get started(): boolean {
    return this.inner.started;
  }
  get checkpointBytes(): number {
    return this.inner.checkpointBytes;
  }
  fold(): Promise<Folded> {
    return this.inner.fold();
  }
  flush(options: { checkpoint?: boolean; outbox: boolean }): Promise<void> {
    return this.inner.flush(options);
  }
  tick(now: number): ReturnType<ProcessorSource['tick']> {
    return this.inner.tick(now);
  }
  restart(): Promise<void> {
    return this.inner.restart();
  }
  lag(): Promise<number> {
    return this.inner.lag();
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

// A runner's metrics that go nowhere: the benches measure for themselves.
const ignored = { observe: () => undefined, set: () => undefined, inc: () => undefined };
export const NO_METRICS: RunnerMetrics = {
  eventsByOutcome: ignored,
  rejectedByCode: ignored,
  consumerLag: ignored,
  checkpointBytes: ignored,
  foldSeconds: ignored,
  flushSeconds: ignored,
  scoreSeconds: ignored,
  scoringRetries: ignored,
};
