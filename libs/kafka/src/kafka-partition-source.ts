import type { Batch, Consumer, Kafka } from 'kafkajs';
import { checkEvent, DEFAULT_EVENT_TIME_TOLERANCE_MS, type DefinitionSet, type ReceiverClock } from '#libs/definitions';
import type { IndicatorValue } from '#libs/indicators';
import type { Folded, PartitionProcessor, PartitionRecord, ProcessorSource, Rejection } from '#libs/pipeline';
import { CoPartitionedAssigner } from './co-partitioned-assigner';
import { SOURCE_TOPICS } from './topics';

export interface KafkaPartitionSourceOptions {
  kafka: Kafka;
  groupId: string;
  processor: PartitionProcessor;
  definitions: DefinitionSet; // ingest's check, again: a producer may write to the topics directly
  time?: ReceiverClock; // ingest's time bound too (default: this machine's clock, the default tolerance)
  sessionTimeoutMs?: number;
  waitMs?: number; // how long `fold` waits for a batch when nothing is queued
}

interface Delivery {
  topic: string;
  partition: number;
  messages: Batch['messages'];
  done: () => void;
}

// The source topics of the partitions this member holds, as a processor's source. One member of a
// consumer group over the source topics, co-partitioned by org: kafkajs delivers batches, `fold`
// takes them (each delivery waits for its fold: backpressure, and the heartbeat follows it). State
// and offsets are committed together in Postgres (the checkpoint); Kafka's own offset commit follows
// each checkpoint, only so that a restart does not read too far back.
export class KafkaPartitionSource implements ProcessorSource {
  private queue: Delivery[] = [];
  private arrived: (() => void) | undefined;
  private stopped = false;
  private readonly highWatermarks = new Map<string, number>(); // topic/partition → the log end seen

  private constructor(
    private readonly consumer: Consumer,
    private readonly options: KafkaPartitionSourceOptions,
  ) {}

  static async open(options: KafkaPartitionSourceOptions): Promise<KafkaPartitionSource> {
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [CoPartitionedAssigner],
      allowAutoTopicCreation: false,
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
      maxWaitTimeInMs: 100,
    });
    const source = new KafkaPartitionSource(consumer, options);
    // a new generation: partitions that went elsewhere are dropped unwritten (their new owner replays
    // from the checkpoint)
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const kept = new Set(Object.values(payload.memberAssignment).flat());
      for (const p of options.processor.assigned) if (!kept.has(p)) options.processor.revoke(p);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...SOURCE_TOPICS], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (!payload.isRunning() || payload.isStale()) return;
        source.highWatermarks.set(`${batch.topic}/${batch.partition}`, Number(batch.highWatermark));
        await new Promise<void>((done) => source.deliver({ ...batch, done }));
        await payload.heartbeat();
      },
    });
    return source;
  }

  get unflushed(): number {
    return this.options.processor.unflushed;
  }

  get uncheckpointed(): boolean {
    return this.options.processor.uncheckpointed;
  }

  get checkpointBytes(): number {
    return this.options.processor.checkpointBytes;
  }

  get started(): boolean {
    return this.options.processor.assigned.length > 0;
  }

  async fold(): Promise<Folded> {
    if (this.queue.length === 0 && !this.stopped)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.waitMs ?? 50);
        this.arrived = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    this.arrived = undefined;
    const deliveries = this.queue;
    this.queue = [];
    const results: Folded[] = [];
    const rejected: Rejection[] = [];
    try {
      for (const d of deliveries) {
        await this.options.processor.assign(d.partition);
        const records = d.messages.map((m) => this.record(d.topic, d.partition, m, rejected));
        results.push(await this.options.processor.receive(d.partition, records, performance.now()));
      }
    } finally {
      for (const d of deliveries) d.done();
    }
    // what the merge across topics held back for a topic that has gone quiet
    results.push(...this.options.processor.releaseAll(performance.now()));
    return merged(results, rejected);
  }

  tick(now: number): { changes: IndicatorValue[]; clock: number } {
    return { changes: this.options.processor.tick(now), clock: now };
  }

  async flush(options: { checkpoint?: boolean; outbox: boolean }): Promise<void> {
    const checkpoints = await this.options.processor.flush(options);
    const offsets = checkpoints.flatMap(({ partition, offsets: next }) =>
      Object.entries(next).map(([topic, offset]) => ({ topic, partition, offset: String(offset) })),
    );
    if (offsets.length > 0) await this.consumer.commitOffsets(offsets).catch(() => undefined); // a convenience only
  }

  // After a failed write the engines hold changes that are not stored: every partition starts over
  // from its checkpoint, and is read again from the checkpoint's offsets.
  async restart(): Promise<void> {
    const { processor } = this.options;
    for (const partition of processor.assigned) {
      processor.revoke(partition);
      const next = await processor.assign(partition);
      for (const topic of SOURCE_TOPICS) this.consumer.seek({ topic, partition, offset: String(next[topic] ?? 0) });
    }
  }

  lag(): Promise<number> {
    let lag = 0;
    for (const partition of this.options.processor.assigned) {
      const next = this.options.processor.nextOffsets(partition) ?? {};
      for (const topic of SOURCE_TOPICS) {
        const end = this.highWatermarks.get(`${topic}/${partition}`);
        if (end !== undefined) lag += Math.max(0, end - (next[topic] ?? 0));
      }
    }
    return Promise.resolve(lag);
  }

  // Deliveries not folded yet are let go: they are past the checkpoint, so whoever holds their
  // partition next reads them again.
  async stop(): Promise<void> {
    this.stopped = true;
    for (const d of this.queue) d.done();
    this.queue = [];
    this.arrived?.();
    await this.consumer.stop();
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }

  private deliver(delivery: Delivery): void {
    if (this.stopped) return delivery.done();
    this.queue.push(delivery);
    this.arrived?.();
  }

  private record(
    topic: string,
    partition: number,
    m: Batch['messages'][number],
    rejected: Rejection[],
  ): PartitionRecord {
    const offset = Number(m.offset);
    const text = m.value?.toString('utf8') ?? '';
    const time = this.options.time ?? { now: () => Date.now(), toleranceMs: DEFAULT_EVENT_TIME_TOLERANCE_MS };
    const checked = checkEvent(text, this.options.definitions, { now: time.now(), toleranceMs: time.toleranceMs });
    if (!checked.ok) {
      const { field, code, message, id, source } = checked.rejection;
      const rejection: Rejection = {
        field,
        code,
        reason: `${topic}[${partition}]@${offset}: ${message}`,
        payload: text,
      };
      if (id !== undefined) rejection.eventId = id;
      if (source !== undefined) rejection.source = source;
      rejected.push(rejection);
      return { topic, offset, event: null };
    }
    return { topic, offset, event: checked.event, appendedAt: Number(m.timestamp) };
  }
}

// The folds of one call as one: every change and dead letter, the newest clock, the oldest acceptance.
function merged(results: readonly Folded[], rejected: Rejection[]): Folded {
  const out: Folded = { events: 0, changes: [], tooLate: 0, rejected, clock: Number.NEGATIVE_INFINITY, offset: 0 };
  for (const r of results) {
    out.events += r.events;
    for (const c of r.changes) out.changes.push(c);
    out.tooLate += r.tooLate;
    out.rejected.push(...r.rejected);
    out.clock = Math.max(out.clock, r.clock);
    // each org lives in one partition: its clock is that partition engine's
    if (r.clocks !== undefined) out.clocks = { ...out.clocks, ...r.clocks };
    if (r.acceptedAt !== undefined) out.acceptedAt = Math.min(out.acceptedAt ?? r.acceptedAt, r.acceptedAt);
  }
  return out;
}
