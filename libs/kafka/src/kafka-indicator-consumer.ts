import type { Consumer, Kafka } from 'kafkajs';
import { validateEvent, formatErrors } from '#libs/events';
import type { FoldResult, PartitionProcessor, PartitionRecord, Rejection } from '#libs/pipeline';
import { CoPartitionedAssigner } from './co-partitioned-assigner';
import { SOURCE_TOPICS } from './topics';

export interface KafkaConsumerOptions {
  kafka: Kafka;
  groupId: string;
  processor: PartitionProcessor;
  flushMs: number; // how often folded changes (and every few times a checkpoint) are written
  tickMs: number; // how often the clock moves without events (0: never)
  now: () => number; // the wall clock the engines tick to when idle
  sessionTimeoutMs?: number;
  onFolded(result: FoldResult): void; // the live path: hand the changes to scoring
  onRejected(rejections: readonly Rejection[]): Promise<void>; // not an event: dead letters
  onError(err: unknown): void;
}

// The indicator processor's side of Kafka: one member of a consumer group over the source topics,
// co-partitioned by org. State and offsets are committed together in Postgres (the checkpoint); Kafka's
// own offset commit follows each checkpoint, only so that a restart does not read too far back.
export class KafkaIndicatorConsumer {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastFlush = performance.now();
  private lastTick = 0;
  private lastBatch = 0;

  private constructor(
    private readonly consumer: Consumer,
    private readonly options: KafkaConsumerOptions,
  ) {}

  static async start(options: KafkaConsumerOptions): Promise<KafkaIndicatorConsumer> {
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [CoPartitionedAssigner],
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.max(500, Math.floor((options.sessionTimeoutMs ?? 30_000) / 10)),
      maxWaitTimeInMs: 100,
    });
    const self = new KafkaIndicatorConsumer(consumer, options);
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
        await self.fold(batch.topic, batch.partition, batch.messages);
        await payload.heartbeat();
      },
    });
    self.timer = setInterval(() => self.housekeeping(), 50);
    return self;
  }

  // Stops consuming, writes a last checkpoint of every partition held, commits its offsets, leaves.
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.consumer.stop();
    await this.flushing;
    await this.commit(await this.options.processor.flush({ checkpoint: true }));
    await this.consumer.disconnect();
  }

  private async fold(
    topic: string,
    partition: number,
    messages: readonly { offset: string; value: Buffer | null; timestamp: string }[],
  ): Promise<void> {
    await this.options.processor.assign(partition);
    const rejected: Rejection[] = [];
    const records = messages.map((m): PartitionRecord => {
      const offset = Number(m.offset);
      const text = m.value?.toString('utf8') ?? '';
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        rejected.push({ reason: `${topic}[${partition}]@${offset}: not JSON`, payload: text });
        return { topic, offset, event: null };
      }
      const checked = validateEvent(raw);
      if (!checked.ok) {
        rejected.push({ reason: formatErrors(checked.errors), payload: text });
        return { topic, offset, event: null };
      }
      return { topic, offset, event: checked.event, appendedAt: Number(m.timestamp) };
    });
    if (rejected.length > 0) await this.options.onRejected(rejected);
    this.lastBatch = performance.now();
    const result = this.options.processor.receive(partition, records, this.lastBatch);
    if (result.changes.length > 0) this.options.onFolded(result);
  }

  private housekeeping(): void {
    const now = performance.now();
    // what the merge across topics held back for a topic that has gone quiet
    for (const result of this.options.processor.releaseAll(now)) this.options.onFolded(result);
    // rolling values decay and periods close when no events come
    const { tickMs } = this.options;
    if (tickMs > 0 && now - this.lastBatch >= tickMs && now - this.lastTick >= tickMs) {
      this.lastTick = now;
      const changes = this.options.processor.tick(this.options.now());
      if (changes.length > 0) this.options.onFolded({ changes, folded: 0, tooLate: 0, clock: this.options.now() });
    }
    if (this.flushing !== undefined || now - this.lastFlush < this.options.flushMs) return;
    this.lastFlush = now;
    this.flushing = this.options.processor
      .flush()
      .then((checkpoints) => this.commit(checkpoints))
      .catch(async (err: unknown) => {
        this.options.onError(err);
        await this.restartFromCheckpoints().catch((restartErr: unknown) => this.options.onError(restartErr));
      })
      .finally(() => (this.flushing = undefined));
  }

  // After a failed write the engines hold changes that are not stored: start every partition over from
  // its checkpoint, and read again from the checkpoint's offsets.
  private async restartFromCheckpoints(): Promise<void> {
    for (const partition of this.options.processor.assigned) {
      this.options.processor.revoke(partition);
      const next = await this.options.processor.assign(partition);
      for (const topic of SOURCE_TOPICS) this.consumer.seek({ topic, partition, offset: String(next[topic] ?? 0) });
    }
  }

  private async commit(checkpoints: readonly { partition: number; offsets: Record<string, number> }[]): Promise<void> {
    const offsets = checkpoints.flatMap(({ partition, offsets: next }) =>
      Object.entries(next).map(([topic, offset]) => ({ topic, partition, offset: String(offset) })),
    );
    if (offsets.length > 0) await this.consumer.commitOffsets(offsets).catch(() => undefined); // a convenience only
  }
}
