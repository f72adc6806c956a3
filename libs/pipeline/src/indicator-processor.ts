import type { DefinitionSet } from '#libs/definitions';
import type { EventLog } from '#libs/event-log';
import { IndicatorEngine, type EngineSnapshot, type IndicatorValue } from '#libs/indicators';
import type { ChangeBatch } from './change-bus';
import { PendingChanges } from './pending-changes';

// Where the processor keeps its results: values, and now and then a checkpoint, in one transaction.
export interface IndicatorStore {
  loadCheckpoint(processor: string): Promise<StoredCheckpoint | undefined>;
  save(write: ProcessorWrite): Promise<void>;
}

export interface StoredCheckpoint {
  offset: number;
  snapshot: EngineSnapshot;
  offsets?: Record<string, number>; // over Kafka: the next offset to read, per source topic
}

export interface ProcessorWrite {
  processor: string;
  offset: number; // the values reflect the log up to here
  changes: readonly IndicatorValue[];
  checkpoint?: { offset: number; snapshot: string; offsets?: Record<string, number> }; // snapshot already serialised
  feed?: ChangeBatch; // the changes for a scoring service in another process (an outbox row)
}

export interface ProcessorOptions {
  name: string; // the checkpoint's and the log consumer's name
  log: EventLog;
  store: IndicatorStore;
  definitions: DefinitionSet;
  batchSize: number; // events per poll
  checkpointEvery: number; // flushes between checkpoints (snapshots cost more than value rows)
  durableFeed?: boolean; // write each flush's changes to the outbox for a scoring service elsewhere
}

export interface PollResult {
  events: number;
  changes: IndicatorValue[];
  offset: number;
  acceptedAt?: number; // when the oldest event of the batch was appended to the log
  tooLate: number; // events of the batch too late for some closed period
  clock: number; // the engine's clock after the batch
}

// Log → engine → store. Polls fold the log into the engine and return what changed at once (the live
// path); flushes persist the changes, coalesced to the latest value of each row, and now and then the
// engine snapshot with its log offset, in one transaction. A restart restores the checkpoint and
// replays exactly the events after it: nothing lost, nothing counted twice.
export class IndicatorProcessor {
  private flushesSinceCheckpoint = 0;
  private readonly pending = new PendingChanges();
  private writes: Promise<void> = Promise.resolve();

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

  // changed rows folded but not yet handed to the store
  get unflushed(): number {
    return this.pending.size;
  }

  // Folds the next batch of the log. Its changes are returned and kept for the next flush.
  async poll(): Promise<PollResult> {
    const records = await this.options.log.read(this.position, this.options.batchSize);
    if (records.length === 0)
      return { events: 0, changes: [], offset: this.position, tooLate: 0, clock: this.engine.clock };
    const last = (records[records.length - 1] as { offset: number }).offset;
    const { changes, closed, outcomes } = this.engine.foldBatch(records.map((r) => r.event));
    const slid = this.engine.advanceTo(this.engine.clock); // other windows the batch's clock moved past
    const all = [...changes, ...closed, ...slid.changes, ...slid.closed];
    this.position = last;
    const acceptedAt = (records[0] as { appendedAt: Date }).appendedAt.getTime();
    this.pending.keep(all, acceptedAt);
    return {
      events: records.length,
      changes: all,
      offset: last,
      acceptedAt,
      tooLate: outcomes.filter((o) => o.tooLate.length > 0 || o.status === 'too-late').length,
      clock: this.engine.clock,
    };
  }

  // Moves the clock without events: rolling values decay and periods close.
  tick(now: number): IndicatorValue[] {
    const { changes, closed } = this.engine.advanceTo(now);
    const all = [...changes, ...closed];
    this.pending.keep(all, undefined);
    return all;
  }

  // Hands the changes folded so far to the store, with a checkpoint every `checkpointEvery` flushes
  // (or when asked). Returns at once with the write under way; writes run one at a time, in order, so
  // the caller may poll on while one commits. The snapshot is taken here, before the engine moves on.
  flush(options: { checkpoint?: boolean } = {}): Promise<void> {
    const { changes, acceptedAt } = this.pending.take();
    this.flushesSinceCheckpoint++;
    const checkpointNow = options.checkpoint === true || this.flushesSinceCheckpoint >= this.options.checkpointEvery;
    if (changes.length === 0 && !checkpointNow) return this.writes;
    const write: ProcessorWrite = { processor: this.options.name, offset: this.position, changes };
    if (checkpointNow) {
      this.flushesSinceCheckpoint = 0;
      write.checkpoint = { offset: this.position, snapshot: JSON.stringify(this.engine.snapshot()) };
    }
    if (this.options.durableFeed === true && changes.length > 0) {
      write.feed = { changes, clock: this.engine.clock, offset: this.position };
      if (acceptedAt !== undefined) write.feed.acceptedAt = acceptedAt;
    }
    const committed = this.writes.then(async () => {
      await this.options.store.save(write);
      if (write.checkpoint !== undefined) await this.options.log.commitOffset(this.options.name, write.offset);
    });
    // a failed write fails this flush; the next ones still run (a restart replays from the checkpoint)
    this.writes = committed.catch(() => undefined);
    return committed;
  }

  // A last flush with a checkpoint: a restart replays nothing.
  async checkpoint(): Promise<void> {
    await this.flush({ checkpoint: true });
  }
}
