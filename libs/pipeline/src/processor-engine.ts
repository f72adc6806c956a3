import { RESTATEMENT_WINDOW_MS } from '#libs/close';
import type { DefinitionSet, ReceiverClock } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import {
  IndicatorEngine,
  type EngineOptions,
  type EventOutcome,
  type IndicatorValue,
  type TeamOf,
} from '#libs/indicators';
import type { Rejection } from './ingest';
import { ParkedJourneys } from './parked-journeys';
import { ParkedValues } from './parked-values';
import { PendingChanges } from './pending-changes';
import { PersistedKeys } from './persisted-keys';
import type { IndicatorStore, ProcessorWrite, StoredCheckpoint } from './processor-store';

// What a fold did: the changes it produced, and the events it could not count.
export interface Folded {
  events: number; // events folded
  changes: IndicatorValue[];
  tooLate: number; // events too late for some closed period
  rejected: Rejection[]; // what could not be counted (not an event, or refused by the engine): dead letters
  clock: number; // the engine's newest org clock after the fold
  clocks?: Record<string, number>; // each org's clock after the fold: its scorecards are scored at it
  offset: number; // the log offset the changes reflect (0 over Kafka: offsets are per partition)
  acceptedAt?: number; // when the oldest event folded was durably accepted (end-to-end latency)
}

// a checkpoint waits at least this many times as long as the last snapshot took
const CHECKPOINT_PACE = 9;

// A key of a lifecycle or conversion indicator that has heard nothing for this long (event
// time) is parked in the store at the next checkpoint: a ticket is answered within minutes, and then
// rarely heard of again within its horizon of days.
const PARK_AFTER_QUIET_MS = 15 * 60_000;

// One engine as a processor runs it, over the Postgres log or one Kafka partition: restored from its
// checkpoint, folding batches, keeping the changes for the next flush, and shaping that flush's write.
export class ProcessorEngine {
  private readonly pending = new PendingChanges();
  private flushes = 0;
  private folded = false; // events folded (or the clock moved) since the last checkpoint
  checkpointBytes = 0; // the last checkpoint's snapshot, serialised
  private nextCheckpointAt = Number.NEGATIVE_INFINITY; // (ms of `clock`) the earliest a due checkpoint is taken

  private constructor(
    readonly engine: IndicatorEngine,
    readonly keys: PersistedKeys | undefined,
    readonly journeys: ParkedJourneys,
    readonly values: ParkedValues,
    private readonly store: IndicatorStore,
    private readonly checkpointName: string,
    private readonly clock: () => number,
  ) {}

  // The engine of a checkpoint, or a fresh one; with the checkpoint it came from. `time` bounds every org
  // clock (a checkpoint's clock beyond it is clamped on restore); `teamOf`, the roster of record, decides
  // the team of an event naming an agent. `repeats`: who tells repeats of an idempotency key apart —
  // the log itself (Postgres: its unique index), or the engine with its keys in the store (Kafka).
  static async load(
    store: IndicatorStore,
    checkpointName: string,
    definitions: DefinitionSet,
    o: {
      repeats: 'log' | 'store';
      time?: ReceiverClock | undefined;
      teamOf?: TeamOf | undefined;
      clock?: () => number; // ms, for the checkpoints' pace (tests)
    },
  ): Promise<{ unit: ProcessorEngine; checkpoint: StoredCheckpoint | undefined }> {
    const { indicators, orgs } = definitions;
    const checkpoint = await store.loadCheckpoint(checkpointName);
    // what a run before stored beside a checkpoint that is gone would be counted again
    if (checkpoint === undefined) await store.forgetProcessor(checkpointName);
    const keys = o.repeats === 'store' ? new PersistedKeys() : undefined;
    const journeys = new ParkedJourneys();
    const values = new ParkedValues();
    const options: EngineOptions = {
      dedup: keys ?? false,
      parking: journeys,
      valueParking: values,
      restatementMs: RESTATEMENT_WINDOW_MS,
    };
    if (o.time !== undefined) options.timeBound = o.time;
    if (o.teamOf !== undefined) options.teamOf = o.teamOf;
    const engine =
      checkpoint === undefined
        ? new IndicatorEngine(indicators, orgs, options)
        : IndicatorEngine.restore(indicators, orgs, checkpoint.snapshot, options);
    const clock = o.clock ?? (() => performance.now());
    return { unit: new ProcessorEngine(engine, keys, journeys, values, store, checkpointName, clock), checkpoint };
  }

  // What the engine asks synchronously about events before they are folded: the parked keys and
  // values they name.
  async prepare(events: readonly CanonicalEvent[]): Promise<void> {
    await this.journeys.lookUp(this.engine.journeyRefs(events), (refs) =>
      this.store.findJourneys(this.checkpointName, refs),
    );
    await this.values.lookUp(this.engine.valueRefs(events), (refs) => this.store.findValues(this.checkpointName, refs));
  }

  // Lets go of what was looked up but for the events still waiting to be folded.
  keepOnly(waiting: readonly CanonicalEvent[]): void {
    this.journeys.keepOnly(this.engine.journeyRefs(waiting));
    this.values.keepOnly(this.engine.valueRefs(waiting));
  }

  // A write the store committed: what its checkpoint stored is the store's now.
  committed(write: ProcessorWrite): void {
    const { keys, journeys, values } = write.checkpoint ?? {};
    if (keys !== undefined) this.keys?.confirm(keys.generation);
    if (journeys !== undefined) this.journeys.confirm(journeys.generation);
    if (values !== undefined) this.values.confirm(values.generation);
  }

  // changed rows folded but not yet handed to the store
  get unflushed(): number {
    return this.pending.size;
  }

  // progress a checkpoint does not hold yet
  get uncheckpointed(): boolean {
    return this.folded;
  }

  // Folds a batch. Its changes include the rolling values of others the batch's clock slid past (a
  // fold reports only what its events touched); they are returned and kept for the next flush.
  fold(
    events: readonly CanonicalEvent[],
    acceptedAt: number | undefined,
  ): { changes: IndicatorValue[]; tooLate: number; rejected: Rejection[] } {
    const { changes, closed, outcomes } = this.engine.foldBatch(events);
    if (events.length > 0) this.folded = true;
    // events the engine refuses are dead letters like those ingest refuses
    const rejected: Rejection[] = [];
    let tooLate = 0;
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i] as EventOutcome;
      if (o.tooLate.length > 0 || o.status === 'too-late') tooLate++;
      if (o.status !== 'rejected') continue;
      const event = events[i] as CanonicalEvent;
      rejected.push({
        source: event.source,
        eventId: event.id,
        field: o.field ?? 'event',
        code: o.code ?? 'invalid_value',
        reason: o.reason ?? 'rejected',
        payload: JSON.stringify(event),
      });
    }
    // what the fold's clock moves slid in its orgs (each org's clock is its own: no org is moved here),
    // added to the fold's own array (thousands of values a poll: no copies)
    for (const c of closed) changes.push(c);
    for (const c of this.engine.settle()) changes.push(c);
    this.pending.keep(changes, acceptedAt);
    return { changes, tooLate, rejected };
  }

  // Moves the clock without events: rolling values decay and periods close.
  tick(now: number): IndicatorValue[] {
    const { changes, closed } = this.engine.advanceTo(now);
    const all = [...changes, ...closed];
    if (all.length > 0) this.folded = true;
    this.pending.keep(all, undefined);
    return all;
  }

  // The write of a flush: the pending changes; every `checkpointEvery` flushes (or when forced) the
  // checkpoint, its snapshot taken now, before the engine moves on; with `outbox`, the changes as the
  // message announcing them. Undefined when there is nothing to write.
  takeWrite(w: {
    processor: string;
    offset: number;
    checkpointEvery: number;
    forceCheckpoint: boolean;
    outbox: boolean;
    offsets?: Record<string, number>;
  }): ProcessorWrite | undefined {
    const { changes, acceptedAt } = this.pending.take();
    // nothing new since the last checkpoint: no write, and no checkpoint due
    if (changes.length === 0 && !this.folded && !w.forceCheckpoint) return undefined;
    this.flushes++;
    // The snapshot is the whole state: the larger it grows, the rarer the checkpoints, so that taking them
    // costs at most a tenth of the time however large the state (a restart replays a little more).
    const checkpointNow =
      w.forceCheckpoint || (this.flushes >= w.checkpointEvery && this.clock() >= this.nextCheckpointAt);
    if (changes.length === 0 && !checkpointNow) return undefined;
    const write: ProcessorWrite = { processor: w.processor, offset: w.offset, changes };
    if (checkpointNow) {
      this.flushes = 0;
      this.folded = false;
      const started = this.clock();
      // quiet keys and the values of long periods' distinct sets leave memory and the snapshot, for the
      // store, in the checkpoint's transaction
      this.journeys.add(this.engine.park(PARK_AFTER_QUIET_MS));
      this.values.add(this.engine.parkValues());
      write.checkpoint = { offset: w.offset, snapshot: JSON.stringify(this.engine.snapshot()) };
      const ended = this.clock();
      this.nextCheckpointAt = ended + CHECKPOINT_PACE * (ended - started);
      this.checkpointBytes = write.checkpoint.snapshot.length;
      if (w.offsets !== undefined) write.checkpoint.offsets = { ...w.offsets };
      if (this.keys !== undefined) write.checkpoint.keys = this.keys.take();
      write.checkpoint.journeys = this.journeys.take(this.engine.journeyClocks());
      write.checkpoint.values = this.values.take(this.engine.clocks());
    }
    if (w.outbox && changes.length > 0) {
      write.outbox = { changes, clock: this.engine.clock, clocks: this.engine.clocks(), offset: w.offset };
      if (acceptedAt !== undefined) write.outbox.acceptedAt = acceptedAt;
    }
    return write;
  }
}
