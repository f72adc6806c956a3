import type { DefinitionSet, ReceiverClock } from '#libs/definitions';
import { idempotencyKey, type CanonicalEvent } from '#libs/events';
import type { IndicatorValue } from '#libs/indicators';
import { ProcessorEngine, type Folded } from './processor-engine';
import type { IndicatorStore, ProcessorWrite } from './processor-store';
import type { TeamRoster } from './roster-history';

// One record of a partitioned log (Kafka): its topic, its offset in that topic's partition.
export interface PartitionRecord {
  topic: string;
  offset: number;
  event: CanonicalEvent | null; // null: not an event (dead-lettered); its offset still counts as read
  appendedAt?: number; // the broker's timestamp (end-to-end latency)
}

export interface PartitionProcessorOptions {
  name: string; // checkpoints are `<name>/p<partition>`
  store: IndicatorStore;
  definitions: DefinitionSet;
  checkpointEvery: number; // flushes between checkpoints
  time?: ReceiverClock; // no org clock of the engines passes its now + tolerance (unset: unbounded)
  roster?: TeamRoster; // events count for the team it holds their agent in (unset: the payload's team)
  topics: readonly string[]; // the source topics, merged by event time
  // how long a topic that has nothing buffered holds back the others' later events (it may still
  // deliver earlier ones); after that it counts as idle
  idleMs: number;
  bufferLimit?: number; // buffered records per partition beyond which the merge stops waiting
}

interface Partition {
  unit: ProcessorEngine;
  next: Record<string, number>; // per source topic: the next offset to fold (what the checkpoint holds)
  received: Record<string, number>; // per source topic: the next offset to buffer
  buffers: Map<string, PartitionRecord[]>; // received, not folded yet: merged across topics by event time
  lastArrival: Map<string, number>; // per topic, when its last batch came (wall clock)
}

// the idempotency keys of the records a partition's merge still holds
function waitingKeys(p: Partition): Set<string> {
  const keys = new Set<string>();
  for (const buffer of p.buffers.values())
    for (const r of buffer) if (r.event !== null) keys.add(idempotencyKey(r.event));
  return keys;
}

function waitingEvents(p: Partition): CanonicalEvent[] {
  const events: CanonicalEvent[] = [];
  for (const buffer of p.buffers.values()) for (const r of buffer) if (r.event !== null) events.push(r.event);
  return events;
}

const timeOf = (r: PartitionRecord): number => (r.event === null ? Number.NEGATIVE_INFINITY : Date.parse(r.event.time));

// The indicator processor over a partitioned log. Every source topic is keyed by org and has the same
// partition count, so partition p of every topic holds the same orgs: one engine per partition number
// holds their whole state, checkpointed with the next offset of each topic. A partition assigned
// after a rebalance or a crash restores its checkpoint and skips the records the checkpoint holds:
// nothing lost, nothing counted twice, whatever offsets the broker resumes from (never later than the
// checkpoint's: only checkpointed offsets are committed to it).
export class PartitionProcessor {
  private readonly partitions = new Map<number, Partition>();
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly options: PartitionProcessorOptions) {}

  get assigned(): number[] {
    return [...this.partitions.keys()].sort((a, b) => a - b);
  }

  // the next offset to fold, per source topic, of a partition held
  nextOffsets(partition: number): Readonly<Record<string, number>> | undefined {
    return this.partitions.get(partition)?.next;
  }

  get checkpointBytes(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += p.unit.checkpointBytes;
    return n;
  }

  // progress a checkpoint does not hold yet
  get uncheckpointed(): boolean {
    for (const p of this.partitions.values()) if (p.unit.uncheckpointed) return true;
    return false;
  }

  get unflushed(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += p.unit.unflushed;
    return n;
  }

  // Takes a partition on: its engine from the checkpoint, or a fresh one. Returns where to read from.
  async assign(partition: number): Promise<Record<string, number>> {
    const held = this.partitions.get(partition);
    if (held !== undefined) return held.next;
    const { store, definitions, time, roster } = this.options;
    const checkpointName = this.checkpointName(partition);
    // Kafka appends every copy of an event: the engine tells repeats apart, its keys in the store
    const { unit, checkpoint } = await ProcessorEngine.load(store, checkpointName, definitions, {
      repeats: 'store',
      time,
      teamOf: roster?.teamOf,
    });
    const next = { ...(checkpoint?.offsets ?? {}) };
    this.partitions.set(partition, { unit, next, received: { ...next }, buffers: new Map(), lastArrival: new Map() });
    return next;
  }

  // Lets a partition go without writing: its new owner restores the last checkpoint and replays.
  revoke(partition: number): void {
    this.partitions.delete(partition);
  }

  // Takes a batch of one topic of a partition (records the checkpoint already holds are skipped) and
  // folds what the merge across topics releases. What the engine asks synchronously is read first: the
  // stored idempotency keys of the records, and the roster of their orgs when its TTL passed (records
  // buffered by the merge are folded by the copy held then).
  async receive(partition: number, records: readonly PartitionRecord[], now: number): Promise<Folded> {
    const p = this.partitions.get(partition);
    if (p === undefined) throw new Error(`partition ${partition} is not assigned to this processor`);
    const fresh = records.filter((r) => r.event !== null && r.offset >= (p.received[r.topic] ?? 0));
    const { store, roster } = this.options;
    await p.unit.keys?.lookUp(
      fresh.map((r) => idempotencyKey(r.event as CanonicalEvent)),
      (unknown) => store.findKeys(this.checkpointName(partition), unknown),
    );
    if (roster !== undefined) await roster.prepare(new Set(fresh.map((r) => (r.event as CanonicalEvent).data.orgId)));
    await p.unit.prepare(fresh.map((r) => r.event as CanonicalEvent));
    // a topic not heard from yet may still deliver earlier events: it holds back the others for idleMs
    for (const topic of this.options.topics) {
      if (!p.buffers.has(topic)) p.buffers.set(topic, []);
      if (!p.lastArrival.has(topic)) p.lastArrival.set(topic, now);
    }
    for (const r of records) {
      if (r.offset < (p.received[r.topic] ?? 0)) continue;
      p.received[r.topic] = r.offset + 1;
      const buffer = p.buffers.get(r.topic);
      if (buffer === undefined) p.buffers.set(r.topic, [r]);
      else buffer.push(r);
      p.lastArrival.set(r.topic, now);
    }
    return this.release(partition, p, now);
  }

  // Folds, for every partition, what the merge releases by now (topics gone quiet stop holding back).
  releaseAll(now: number): Folded[] {
    return [...this.partitions].map(([partition, p]) => this.release(partition, p, now)).filter((r) => r.events > 0);
  }

  // The topics of a partition are consumed at their own pace; folding one far ahead of another would
  // make the other's events late. So buffered records are folded in event-time order, and only while
  // every topic that may still deliver earlier events has something buffered (the merge's watermark).
  private release(partition: number, p: Partition, now: number): Folded {
    const out: PartitionRecord[] = [];
    let buffered = 0;
    for (const b of p.buffers.values()) buffered += b.length;
    const force = buffered > (this.options.bufferLimit ?? 200_000);
    for (;;) {
      let head: { topic: string; record: PartitionRecord } | undefined;
      let blocked = false;
      for (const [topic, buffer] of p.buffers) {
        const first = buffer[0];
        if (first === undefined) {
          const quietFor = now - (p.lastArrival.get(topic) ?? Number.NEGATIVE_INFINITY);
          if (!force && quietFor < this.options.idleMs) blocked = true;
          continue;
        }
        if (head === undefined || timeOf(first) < timeOf(head.record)) head = { topic, record: first };
      }
      if (head === undefined || (blocked && head.record.event !== null)) break;
      (p.buffers.get(head.topic) as PartitionRecord[]).shift();
      out.push(head.record);
    }
    return this.foldRecords(p, out);
  }

  private foldRecords(p: Partition, records: readonly PartitionRecord[]): Folded {
    for (const r of records) p.next[r.topic] = Math.max(p.next[r.topic] ?? 0, r.offset + 1);
    const events = records.flatMap((r) => (r.event === null ? [] : [r.event]));
    if (events.length === 0)
      return { events: 0, changes: [], tooLate: 0, rejected: [], clock: p.unit.engine.clock, offset: 0 };
    const oldest = Math.min(...records.map((r) => r.appendedAt ?? Number.POSITIVE_INFINITY));
    const acceptedAt = Number.isFinite(oldest) ? oldest : undefined;
    const result: Folded = {
      events: events.length,
      ...p.unit.fold(events, acceptedAt),
      clock: p.unit.engine.clock,
      clocks: p.unit.engine.clocks(),
      offset: 0,
    };
    if (acceptedAt !== undefined) result.acceptedAt = acceptedAt;
    return result;
  }

  // Moves every partition's clock without events: rolling values decay and periods close.
  tick(now: number): IndicatorValue[] {
    const out: IndicatorValue[] = [];
    for (const p of this.partitions.values()) {
      if (p.unit.engine.clock !== Number.NEGATIVE_INFINITY) out.push(...p.unit.tick(now));
    }
    return out;
  }

  // Writes each partition's pending changes, with its checkpoint every `checkpointEvery` flushes (or
  // when asked). Resolves with the checkpoints written, for the broker's offset commit. Writes run
  // one at a time, in order; the snapshot is taken here, before the engine moves on.
  flush(
    options: { checkpoint?: boolean; outbox?: boolean } = {},
  ): Promise<{ partition: number; offsets: Record<string, number> }[]> {
    const writes: { partition: number; unit: ProcessorEngine; write: ProcessorWrite }[] = [];
    for (const [partition, p] of this.partitions) {
      const write = p.unit.takeWrite({
        processor: this.checkpointName(partition),
        // a number that grows with the partition's progress: the value rows' log_offset
        offset: Object.values(p.next).reduce((a, b) => a + b, 0),
        checkpointEvery: this.options.checkpointEvery,
        forceCheckpoint: options.checkpoint === true,
        outbox: options.outbox === true,
        offsets: p.next,
      });
      if (write === undefined) continue;
      writes.push({ partition, unit: p.unit, write });
      // keys looked up for records folded since are the store's or pending: only the waiting ones stay
      if (write.checkpoint !== undefined) {
        p.unit.keys?.keepOnly(waitingKeys(p));
        p.unit.keepOnly(waitingEvents(p));
      }
    }
    const committed = this.writes.then(async () => {
      const done: { partition: number; offsets: Record<string, number> }[] = [];
      for (const { partition, unit, write } of writes) {
        await this.options.store.save(write);
        unit.committed(write);
        if (write.checkpoint?.offsets !== undefined) done.push({ partition, offsets: write.checkpoint.offsets });
      }
      return done;
    });
    this.writes = committed.then(
      () => undefined,
      () => undefined,
    );
    return committed;
  }

  private checkpointName(partition: number): string {
    return `${this.options.name}/p${partition}`;
  }
}
