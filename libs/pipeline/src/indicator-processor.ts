import type { DefinitionSet } from '#libs/definitions';
import type { EventLog } from '#libs/event-log';
import { IndicatorEngine, type EngineSnapshot, type IndicatorValue } from '#libs/indicators';

// Where the processor keeps its results: values, and now and then a checkpoint, in one transaction.
export interface IndicatorStore {
  loadCheckpoint(processor: string): Promise<{ offset: number; snapshot: EngineSnapshot } | undefined>;
  save(
    processor: string,
    offset: number,
    changes: readonly IndicatorValue[],
    checkpoint?: { offset: number; snapshot: EngineSnapshot },
  ): Promise<void>;
}

export interface ProcessorOptions {
  name: string; // the checkpoint's and the log consumer's name
  log: EventLog;
  store: IndicatorStore;
  definitions: DefinitionSet;
  batchSize: number; // events per poll
  checkpointEvery: number; // polls between checkpoints (snapshots cost more than value rows)
}

export interface PollResult {
  events: number;
  changes: IndicatorValue[];
  offset: number;
  acceptedAt?: number; // when the oldest event of the batch was appended to the log
  tooLate: number; // events of the batch too late for some closed period
  clock: number; // the engine's clock after the batch
}

// Log → engine → store. The engine state and the log offset are saved together, so a restart
// restores the checkpoint and replays exactly the events after it: nothing lost, nothing counted twice.
export class IndicatorProcessor {
  private pollsSinceCheckpoint = 0;

  private constructor(
    private readonly options: ProcessorOptions,
    private readonly engine: IndicatorEngine,
    private position: number,
  ) {}

  static async start(options: ProcessorOptions): Promise<IndicatorProcessor> {
    const { indicators, orgs } = options.definitions;
    const checkpoint = await options.store.loadCheckpoint(options.name);
    const engine =
      checkpoint === undefined
        ? new IndicatorEngine(indicators, orgs)
        : IndicatorEngine.restore(indicators, orgs, checkpoint.snapshot);
    return new IndicatorProcessor(options, engine, checkpoint?.offset ?? 0);
  }

  get offset(): number {
    return this.position;
  }

  get indicatorEngine(): IndicatorEngine {
    return this.engine;
  }

  // Folds the next batch of the log; saves its changes, with a checkpoint every `checkpointEvery` polls.
  async poll(): Promise<PollResult> {
    const records = await this.options.log.read(this.position, this.options.batchSize);
    if (records.length === 0)
      return { events: 0, changes: [], offset: this.position, tooLate: 0, clock: this.engine.clock };
    const last = (records[records.length - 1] as { offset: number }).offset;
    const { changes, closed, outcomes } = this.engine.foldBatch(records.map((r) => r.event));
    const all = [...changes, ...closed];
    this.pollsSinceCheckpoint++;
    const checkpointNow = this.pollsSinceCheckpoint >= this.options.checkpointEvery;
    await this.options.store.save(
      this.options.name,
      last,
      all,
      checkpointNow ? { offset: last, snapshot: this.engine.snapshot() } : undefined,
    );
    if (checkpointNow) {
      this.pollsSinceCheckpoint = 0;
      await this.options.log.commitOffset(this.options.name, last);
    }
    this.position = last;
    return {
      events: records.length,
      changes: all,
      offset: last,
      acceptedAt: (records[0] as { appendedAt: Date }).appendedAt.getTime(),
      tooLate: outcomes.filter((o) => o.tooLate.length > 0 || o.status === 'too-late').length,
      clock: this.engine.clock,
    };
  }

  // Moves the clock without events: rolling values decay and periods close.
  async tick(now: number): Promise<IndicatorValue[]> {
    const { changes, closed } = this.engine.advanceTo(now);
    const all = [...changes, ...closed];
    await this.options.store.save(this.options.name, this.position, all);
    return all;
  }

  async checkpoint(): Promise<void> {
    await this.options.store.save(this.options.name, this.position, [], {
      offset: this.position,
      snapshot: this.engine.snapshot(),
    });
    await this.options.log.commitOffset(this.options.name, this.position);
    this.pollsSinceCheckpoint = 0;
  }
}
