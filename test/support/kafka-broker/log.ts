// Topics, partitions and their in-memory logs for the test broker (test fixture only). One node, one
// replica: an append is committed at once, so the high watermark and the last stable offset are both the
// log end offset. Nothing is ever deleted (no retention, no compaction), so the log start offset stays 0.

import { ErrorCode, type ErrorCodeValue } from './protocol';
import { assignBaseOffset, readBatchHeader, recordTimestamps } from './records';

export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

/** What an idempotent producer last wrote to a partition, to recognise a retried batch. */
interface ProducerState {
  epoch: number;
  lastSequence: number;
  /** Like Kafka, remember the last five batches: a producer has at most five in flight. */
  recent: { firstSequence: number; lastSequence: number; baseOffset: number }[];
}

const MAX_REMEMBERED_BATCHES = 5;
const INT32_MAX = 0x7fffffff;
const LEADER_EPOCH = 0;

/** Sequence numbers wrap to 0 after INT32_MAX. */
function addSequence(sequence: number, delta: number): number {
  const sum = sequence + delta;
  return sum > INT32_MAX ? sum - INT32_MAX - 1 : sum;
}

export interface AppendResult {
  errorCode: ErrorCodeValue;
  baseOffset: number;
}

export class Partition {
  private readonly batches: StoredBatch[] = [];
  private readonly producers = new Map<bigint, ProducerState>();
  private readonly listeners = new Set<() => void>();
  readonly logStartOffset = 0;
  private logEndOffset = 0;

  constructor(
    readonly topic: string,
    readonly index: number,
  ) {}

  get highWatermark(): number {
    return this.logEndOffset;
  }

  /**
   * Appends one validated v2 batch (throws InvalidBatchError for a bad one). A batch from an idempotent
   * producer that repeats one of its last five batches is not appended again: the answer is the offset
   * the original got, so a retried send stays exactly-once.
   */
  append(batch: Buffer): AppendResult {
    const header = readBatchHeader(batch);
    // No transactions here: a transactional or control batch from a client cannot be honoured.
    if (header.transactional || header.control) return { errorCode: ErrorCode.INVALID_TXN_STATE, baseOffset: -1 };
    const lastSequence = addSequence(header.baseSequence, header.lastOffsetDelta);
    const idempotent = header.producerId >= 0n;
    const known = idempotent ? this.producers.get(header.producerId) : undefined;
    if (known !== undefined) {
      if (header.producerEpoch < known.epoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, baseOffset: -1 };
      if (header.producerEpoch === known.epoch) {
        const duplicate = known.recent.find(
          (b) => b.firstSequence === header.baseSequence && b.lastSequence === lastSequence,
        );
        if (duplicate !== undefined) return { errorCode: ErrorCode.NONE, baseOffset: duplicate.baseOffset };
        if (header.baseSequence !== addSequence(known.lastSequence, 1)) {
          return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
        }
      }
    }

    const baseOffset = this.logEndOffset;
    assignBaseOffset(batch, baseOffset, LEADER_EPOCH);
    const lastOffset = baseOffset + header.lastOffsetDelta;
    this.batches.push({ baseOffset, lastOffset, maxTimestamp: header.maxTimestamp, bytes: batch });
    this.logEndOffset = lastOffset + 1;

    if (idempotent) {
      // A new epoch (the producer re-initialised) starts a fresh sequence history.
      const state: ProducerState =
        known !== undefined && known.epoch === header.producerEpoch
          ? known
          : { epoch: header.producerEpoch, lastSequence: -1, recent: [] };
      state.lastSequence = lastSequence;
      state.recent.push({ firstSequence: header.baseSequence, lastSequence, baseOffset });
      if (state.recent.length > MAX_REMEMBERED_BATCHES) state.recent.shift();
      this.producers.set(header.producerId, state);
    }

    for (const listener of [...this.listeners]) listener();
    return { errorCode: ErrorCode.NONE, baseOffset };
  }

  /**
   * Whole stored batches from the one holding `fetchOffset`, up to `maxBytes`. When `atLeastOne` is set the
   * first batch is returned even if it is larger, so a consumer can never get stuck behind a big batch.
   */
  read(fetchOffset: number, maxBytes: number, atLeastOne: boolean): Buffer[] {
    const out: Buffer[] = [];
    let size = 0;
    for (let i = this.indexOfBatchContaining(fetchOffset); i < this.batches.length; i++) {
      const batch = this.batches[i];
      if (batch === undefined) break;
      const fits = size + batch.bytes.length <= maxBytes;
      if (!fits && !(atLeastOne && out.length === 0)) break;
      out.push(batch.bytes);
      size += batch.bytes.length;
    }
    return out;
  }

  /** ListOffsets by timestamp: the earliest offset whose timestamp is ≥ `timestamp`, or -1 when there is none. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } {
    for (const batch of this.batches) {
      if (batch.maxTimestamp < timestamp) continue;
      // Uncompressed batches are resolved to the exact record; compressed ones to the batch start.
      const records = recordTimestamps(batch.bytes, batch.baseOffset);
      const record = records?.find((r) => r.timestamp >= timestamp);
      return record ?? { offset: batch.baseOffset, timestamp: batch.maxTimestamp };
    }
    return { offset: -1, timestamp: -1 };
  }

  /** Calls `listener` after every append until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private indexOfBatchContaining(offset: number): number {
    // Binary search for the first batch whose last offset is ≥ offset.
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const batch = this.batches[mid];
      if (batch !== undefined && batch.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class Topic {
  readonly partitions: Partition[];

  constructor(
    readonly name: string,
    partitionCount: number,
  ) {
    this.partitions = Array.from({ length: partitionCount }, (_, i) => new Partition(name, i));
  }
}

export class Log {
  private readonly topics = new Map<string, Topic>();

  has(name: string): boolean {
    return this.topics.has(name);
  }

  topic(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  allTopics(): Topic[] {
    return [...this.topics.values()];
  }

  create(name: string, partitionCount: number): Topic {
    const topic = new Topic(name, partitionCount);
    this.topics.set(name, topic);
    return topic;
  }
}
