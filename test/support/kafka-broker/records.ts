// Record batch v2 (magic 2) handling for the test broker (test fixture only). Batches are stored as the
// producer's raw bytes: the broker reads the header, checks the CRC and rewrites only baseOffset (and the
// partition leader epoch), both outside the CRC-covered range, so the bytes a consumer fetches are the
// bytes the producer sent, compressed or not.

import { Reader, WireError } from './wire';

// Byte positions inside a v2 batch.
const BASE_OFFSET = 0;
const BATCH_LENGTH = 8; // counts the bytes after this field
const PARTITION_LEADER_EPOCH = 12;
const MAGIC = 16;
const CRC = 17;
const ATTRIBUTES = 21; // the CRC covers from here to the end of the batch
const LAST_OFFSET_DELTA = 23;
const FIRST_TIMESTAMP = 27;
const MAX_TIMESTAMP = 35;
const PRODUCER_ID = 43;
const PRODUCER_EPOCH = 51;
const BASE_SEQUENCE = 53;
const RECORD_COUNT = 57;
export const BATCH_HEADER_SIZE = 61;
const LOG_OVERHEAD = 12; // baseOffset + batchLength

const COMPRESSION_MASK = 0x07;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export interface BatchHeader {
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  compression: number;
  transactional: boolean;
  control: boolean;
}

export class InvalidBatchError extends Error {}

/** Splits a produced record set into its batches (copies, so the frame can be released). */
export function splitRecordSet(recordSet: Buffer): Buffer[] {
  const batches: Buffer[] = [];
  let at = 0;
  while (at < recordSet.length) {
    if (recordSet.length - at < BATCH_HEADER_SIZE) throw new InvalidBatchError('truncated record batch header');
    const size = LOG_OVERHEAD + recordSet.readInt32BE(at + BATCH_LENGTH);
    if (size < BATCH_HEADER_SIZE || at + size > recordSet.length) {
      throw new InvalidBatchError(`record batch length ${size} does not fit the record set`);
    }
    batches.push(Buffer.from(recordSet.subarray(at, at + size)));
    at += size;
  }
  return batches;
}

/** Reads and validates the header of one v2 batch. */
export function readBatchHeader(batch: Buffer): BatchHeader {
  if (batch.length < BATCH_HEADER_SIZE) throw new InvalidBatchError('truncated record batch header');
  const magic = batch.readInt8(MAGIC);
  if (magic !== 2) throw new InvalidBatchError(`record batch magic ${magic} (only v2 is supported)`);
  const expectedCrc = batch.readUInt32BE(CRC);
  const actualCrc = crc32c(batch.subarray(ATTRIBUTES));
  if (expectedCrc !== actualCrc) throw new InvalidBatchError('record batch CRC mismatch');
  const attributes = batch.readInt16BE(ATTRIBUTES);
  const lastOffsetDelta = batch.readInt32BE(LAST_OFFSET_DELTA);
  const recordCount = batch.readInt32BE(RECORD_COUNT);
  if (lastOffsetDelta < 0 || recordCount < 0) throw new InvalidBatchError('negative record count');
  return {
    lastOffsetDelta,
    firstTimestamp: Number(batch.readBigInt64BE(FIRST_TIMESTAMP)),
    maxTimestamp: Number(batch.readBigInt64BE(MAX_TIMESTAMP)),
    producerId: batch.readBigInt64BE(PRODUCER_ID),
    producerEpoch: batch.readInt16BE(PRODUCER_EPOCH),
    baseSequence: batch.readInt32BE(BASE_SEQUENCE),
    recordCount,
    compression: attributes & COMPRESSION_MASK,
    transactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    control: (attributes & CONTROL_FLAG) !== 0,
  };
}

/** Assigns the batch its place in the log. Neither field is covered by the CRC. */
export function assignBaseOffset(batch: Buffer, baseOffset: number, leaderEpoch: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), BASE_OFFSET);
  batch.writeInt32BE(leaderEpoch, PARTITION_LEADER_EPOCH);
}

/**
 * Offsets and timestamps of the records of an uncompressed batch, for ListOffsets by timestamp.
 * Returns null for compressed batches: the broker does not decompress, and falls back to batch granularity.
 */
export function recordTimestamps(batch: Buffer, baseOffset: number): { offset: number; timestamp: number }[] | null {
  const header = readBatchHeader(batch);
  if (header.compression !== 0) return null;
  const reader = new Reader(batch.subarray(BATCH_HEADER_SIZE));
  const out: { offset: number; timestamp: number }[] = [];
  try {
    for (let i = 0; i < header.recordCount; i++) {
      // Record: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, then key,
      // value and headers, which the length lets us skip.
      const length = reader.varint();
      const before = reader.remaining;
      reader.int8();
      const timestampDelta = reader.varlong();
      const offsetDelta = reader.varint();
      out.push({ offset: baseOffset + offsetDelta, timestamp: header.firstTimestamp + Number(timestampDelta) });
      reader.skip(length - (before - reader.remaining));
    }
  } catch (err) {
    if (err instanceof WireError) return null;
    throw err;
  }
  return out;
}

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of record batch v2.
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
