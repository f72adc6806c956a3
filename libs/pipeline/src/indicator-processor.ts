import type { DefinitionSet, ReceiverClock } from '#libs/definitions';
import type { EventLog } from '#libs/event-log';
import type { IndicatorEngine, IndicatorValue } from '#libs/indicators';
import type { IndicatorStore } from './processor-store';
import { ProcessorEngine, type Folded } from './processor-engine';
import type { TeamRoster } from './roster-history';

export interface ProcessorOptions {
  name: string; // the checkpoint's and the log consumer's name
  log: EventLog;
  store: IndicatorStore;
  definitions: DefinitionSet;
  batchSize: number; // events per poll
  checkpointEvery: number; // flushes between checkpoints (snapshots cost more than value rows)
  time?: ReceiverClock; // no org clock of the engine passes its now + tolerance (unset: unbounded)
  roster?: TeamRoster; // events count for the team it holds their agent in (unset: the payload's team)
}

// Log → engine → store. Polls fold the log into the engine and return what changed at once (the live
// path); flushes persist the changes, coalesced to the latest value of each row, and now and then the
// engine snapshot with its log offset, in one transaction. A restart restores the checkpoint and
// replays exactly the events after it: nothing lost, nothing counted twice.
export class IndicatorProcessor {
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: ProcessorOptions,
    private readonly unit: ProcessorEngine,
    private position: number,
  ) {}

  static async start(options: ProcessorOptions): Promise<IndicatorProcessor> {
    const { store, name, definitions, time, roster } = options;
    // the log appends a (source, id) once: the engine need not remember keys
    const { unit, checkpoint } = await ProcessorEngine.load(store, name, definitions, {
      repeats: 'log',
      time,
      teamOf: roster?.teamOf,
    });
    return new IndicatorProcessor(options, unit, checkpoint?.offset ?? 0);
  }

  get offset(): number {
    return this.position;
  }

  get indicatorEngine(): IndicatorEngine {
    return this.unit.engine;
  }

  // changed rows folded but not yet handed to the store
  get unflushed(): number {
    return this.unit.unflushed;
  }

  get checkpointBytes(): number {
    return this.unit.checkpointBytes;
  }

  // progress a checkpoint does not hold yet
  get uncheckpointed(): boolean {
    return this.unit.uncheckpointed;
  }

  // Folds the next batch of the log. Its changes are returned and kept for the next flush.
  async poll(): Promise<Folded> {
    const records = await this.options.log.read(this.position, this.options.batchSize);
    if (records.length === 0)
      return { events: 0, changes: [], offset: this.position, tooLate: 0, rejected: [], clock: this.unit.engine.clock };
    // the roster of the batch's orgs, read again when its TTL passed (a failure: nothing folded)
    await this.options.roster?.prepare(records.map((r) => r.event.data.orgId));
    const events = records.map((r) => r.event);
    await this.unit.prepare(events);
    const last = (records[records.length - 1] as { offset: number }).offset;
    const acceptedAt = (records[0] as { appendedAt: Date }).appendedAt.getTime();
    const folded = this.unit.fold(events, acceptedAt);
    this.unit.keepOnly([]); // nothing waits: what the batch did not call back is the store's
    this.position = last;
    const { engine } = this.unit;
    return {
      events: records.length,
      ...folded,
      offset: last,
      acceptedAt,
      clock: engine.clock,
      clocks: engine.clocks(),
    };
  }

  // Moves the clock without events: rolling values decay and periods close.
  tick(now: number): IndicatorValue[] {
    return this.unit.tick(now);
  }

  // Hands the changes folded so far to the store, with a checkpoint every `checkpointEvery` flushes
  // (or when asked). Returns at once with the write under way; writes run one at a time, in order, so
  // the caller may poll on while one commits. The snapshot is taken here, before the engine moves on.
  // With `outbox`, the write carries the changes as the message announcing them to scoring.
  flush(options: { checkpoint?: boolean; outbox?: boolean } = {}): Promise<void> {
    const write = this.unit.takeWrite({
      processor: this.options.name,
      offset: this.position,
      checkpointEvery: this.options.checkpointEvery,
      forceCheckpoint: options.checkpoint === true,
      outbox: options.outbox === true,
    });
    if (write === undefined) return this.writes;
    const committed = this.writes.then(async () => {
      await this.options.store.save(write);
      this.unit.committed(write);
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
